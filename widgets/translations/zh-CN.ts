import { registerTranslation } from '../internal/localize.ts';
import type { Translation } from './en.ts';
import type { SurveyTranslation } from './survey/en.ts';

/** Terms as customer-care practitioners use them (docs: DESIGN.md, "Words in both languages"). */
export const zhCN: Translation & SurveyTranslation = {
  lang: 'zh-CN',
  solved: '这解决了您的问题吗？',
  yes: '是',
  no: '否',
  why: '哪里没有解决？',
  reasons: {
    not_solved: '没有解决我的问题',
    incomplete: '回答不完整',
    wrong_answer: '回答有误',
    too_slow: '处理太慢',
    other: '其他',
  },
  comment: '还有什么想告诉我们的吗？（选填）',
  agent: '我有没有帮到您？',
  scaleHint: (from, to) => `${from} = 完全没有，${to} = 帮助很大`,
  send: '提交',
  sending: '正在提交…',
  thanks: '感谢您的反馈',
  queued: '已保存，将尽快自动提交',
  failed: '提交失败：',
  cannotSend: '此表单无法在本网站提交，内容未发送。',
  loadFailed: '加载失败：',
  required: '请回答此问题。',
  close: '关闭',
  loading: '加载中…',
  unavailable: '此问卷暂不可用。',
  hints: {
    RATING: '1 = 非常不满意，5 = 非常满意',
    NPS: '0 = 完全不可能，10 = 极有可能',
    CES: '1 = 非常困难，7 = 非常容易',
  },
};

registerTranslation(zhCN);
