import { registerTranslation } from '../../internal/localize.ts';
import type { ComplaintTranslation } from './en.ts';

export const complaintZhCN: ComplaintTranslation = {
  lang: 'zh-CN',
  notFound: '未找到与此投诉编号和查询码对应的投诉，请核对后重试。',
  complaint: '提交投诉',
  category: '投诉类别',
  categories: {
    product_quality: '产品质量',
    packaging: '包装',
    defect: '产品缺陷',
    misuse: '产品使用',
    service_attitude: '服务态度',
    service_process: '服务流程',
    delivery: '物流配送',
    billing: '账单',
    other: '其他',
  },
  description: '发生了什么？（至少 10 个字）',
  outcome: '您希望如何解决？（选填）',
  name: '姓名（选填）',
  email: '邮箱（选填）',
  phone: '电话（选填）',
  honeypot: '请勿填写此项',
  fileComplaint: '提交投诉',
  filed: '您的投诉已提交，感谢您告诉我们。',
  reference: '投诉编号',
  token: '查询码（请保存，用于查询投诉进度）',
  track: '查询投诉进度',
  progress: '处理进度',
  events: {
    filed: '投诉已提交',
    acknowledged: '客服已受理',
    handling_started: '正在处理',
    info_requested: '需要您补充信息',
    customer_replied: '您的回复',
    customer_note: '处理进展',
    resolved: '已解决',
    closed: '已结案',
    reopened: '已重新处理',
  },
  forget: '移除',
  helped: (agent) => `${agent}有没有帮到您？`,
  stillWrong: '还有什么没有解决？',
  resolved: '这个问题解决了吗？是您希望的进展吗？',
};

registerTranslation(complaintZhCN);
