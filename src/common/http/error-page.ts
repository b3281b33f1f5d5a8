/**
 * One voice for error pages, wherever they are rendered (the exception filter, the redirect route, public
 * pages): a title in sentence case saying what happened, and a sentence saying it kindly. The API keeps
 * HTTP's reason phrases in its `error` field; people read these.
 */
const TITLES: Record<number, string> = {
  400: 'Something was not right',
  401: 'Please sign in',
  403: 'No access',
  404: 'Page not found',
  410: 'No longer available',
  413: 'Too large',
  429: 'Too many requests',
};

const MESSAGES: Record<number, string> = {
  400: 'Something in that request was not right.',
  401: 'Please sign in to continue.',
  403: 'You do not have access to this page.',
  404: 'We could not find that page.',
  410: 'This page is no longer available.',
  413: 'That was more than we can take at once.',
  429: 'Too many requests. Please wait a moment and try again.',
};

export function errorTitle(statusCode: number): string {
  return TITLES[statusCode] ?? (statusCode >= 500 ? 'Something went wrong' : TITLES[400]);
}

/** The context of `pages/error.hbs`; `message` says more than the default when the page knows more. */
export function errorPage(statusCode: number, message?: string): { title: string; statusCode: number; message: string } {
  return {
    title: errorTitle(statusCode),
    statusCode,
    message: message ?? MESSAGES[statusCode] ?? (statusCode >= 500 ? 'Something went wrong on our side.' : MESSAGES[400]),
  };
}
