/**
 * Small facts a widget keeps across page loads (a dismissed survey, an answered question), in
 * localStorage. Where storage is blocked they last for the page only: the worst case is being
 * asked again, never an error.
 */
export function recall(key: string): string | null {
  try {
    return localStorage.getItem(`careloop:${key}`);
  } catch {
    return null;
  }
}

export function remember(key: string, value = '1'): void {
  try {
    localStorage.setItem(`careloop:${key}`, value);
  } catch {
    // for this page only
  }
}
