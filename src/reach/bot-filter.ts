/**
 * Link-preview fetchers, crawlers and scripts. Social networks fetch every shared link to build its card;
 * counting those as visitors would inflate reach, so they are recorded as bots.
 */
const BOT_USER_AGENT =
  /bot\b|bot\/|crawler|spider|slurp|facebookexternalhit|facebookcatalog|meta-externalagent|embedly|quora link preview|whatsapp|telegrambot|skypeuripreview|discordbot|slack(bot|-imgproxy)|linkedinbot|pinterest|vkshare|redditbot|applebot|bingpreview|google-inspectiontool|headlesschrome|phantomjs|curl\/|wget\/|python-requests|python-urllib|go-http-client|java\/|okhttp|axios\/|node-fetch|undici|libwww|httpclient|preview/i;

export function isBot(userAgent: string | undefined): boolean {
  return !userAgent || userAgent.length < 8 || BOT_USER_AGENT.test(userAgent);
}
