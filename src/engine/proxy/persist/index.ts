export {applyResponseCookie, type CookiePlan, type CookieServer, matchRequestCookie, planCookie, rewriteHeader} from './cookie.js'
