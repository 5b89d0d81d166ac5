import { hashOf } from '../internal/operations.ts';

/** The operations this element sends (the build writes their hashes as constants). */
export const FileComplaint = hashOf('FileComplaint');
export const ComplaintStatus = hashOf('ComplaintStatus');
export const ReplyToComplaint = hashOf('ReplyToComplaint');
export const ConfirmComplaintResolution = hashOf('ConfirmComplaintResolution');
