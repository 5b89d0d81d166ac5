// Filled in by the feedback-intake work (issue 3).
export {};
