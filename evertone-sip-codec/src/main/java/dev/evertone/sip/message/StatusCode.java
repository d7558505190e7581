package dev.evertone.sip.message;

/** Response status codes and their default reason phrases (RFC 3261 21 and extensions). */
public final class StatusCode {
  private StatusCode() {}

  public static final int TRYING = 100;
  public static final int RINGING = 180;
  public static final int OK = 200;
  public static final int BAD_REQUEST = 400;
  public static final int UNAUTHORIZED = 401;
  public static final int FORBIDDEN = 403;
  public static final int NOT_FOUND = 404;
  public static final int METHOD_NOT_ALLOWED = 405;
  public static final int NOT_ACCEPTABLE = 406;
  public static final int PROXY_AUTHENTICATION_REQUIRED = 407;
  public static final int REQUEST_TIMEOUT = 408;
  public static final int REQUEST_ENTITY_TOO_LARGE = 413;
  public static final int UNSUPPORTED_MEDIA_TYPE = 415;
  public static final int UNSUPPORTED_URI_SCHEME = 416;
  public static final int BAD_EXTENSION = 420;
  public static final int INTERVAL_TOO_BRIEF = 423;
  public static final int TEMPORARILY_UNAVAILABLE = 480;
  public static final int CALL_DOES_NOT_EXIST = 481;
  public static final int LOOP_DETECTED = 482;
  public static final int TOO_MANY_HOPS = 483;
  public static final int BUSY_HERE = 486;
  public static final int REQUEST_TERMINATED = 487;
  public static final int SERVER_INTERNAL_ERROR = 500;
  public static final int NOT_IMPLEMENTED = 501;
  public static final int SERVICE_UNAVAILABLE = 503;
  public static final int VERSION_NOT_SUPPORTED = 505;

  /** The RFC's reason phrase for {@code code}, or a generic one for its class. */
  public static String reasonPhrase(int code) {
    switch (code) {
      case 100:
        return "Trying";
      case 180:
        return "Ringing";
      case 181:
        return "Call Is Being Forwarded";
      case 182:
        return "Queued";
      case 183:
        return "Session Progress";
      case 200:
        return "OK";
      case 202:
        return "Accepted";
      case 300:
        return "Multiple Choices";
      case 301:
        return "Moved Permanently";
      case 302:
        return "Moved Temporarily";
      case 305:
        return "Use Proxy";
      case 380:
        return "Alternative Service";
      case 400:
        return "Bad Request";
      case 401:
        return "Unauthorized";
      case 402:
        return "Payment Required";
      case 403:
        return "Forbidden";
      case 404:
        return "Not Found";
      case 405:
        return "Method Not Allowed";
      case 406:
        return "Not Acceptable";
      case 407:
        return "Proxy Authentication Required";
      case 408:
        return "Request Timeout";
      case 410:
        return "Gone";
      case 413:
        return "Request Entity Too Large";
      case 414:
        return "Request-URI Too Long";
      case 415:
        return "Unsupported Media Type";
      case 416:
        return "Unsupported URI Scheme";
      case 420:
        return "Bad Extension";
      case 421:
        return "Extension Required";
      case 423:
        return "Interval Too Brief";
      case 429:
        return "Too Many Requests";
      case 480:
        return "Temporarily Unavailable";
      case 481:
        return "Call/Transaction Does Not Exist";
      case 482:
        return "Loop Detected";
      case 483:
        return "Too Many Hops";
      case 484:
        return "Address Incomplete";
      case 485:
        return "Ambiguous";
      case 486:
        return "Busy Here";
      case 487:
        return "Request Terminated";
      case 488:
        return "Not Acceptable Here";
      case 491:
        return "Request Pending";
      case 493:
        return "Undecipherable";
      case 500:
        return "Server Internal Error";
      case 501:
        return "Not Implemented";
      case 502:
        return "Bad Gateway";
      case 503:
        return "Service Unavailable";
      case 504:
        return "Server Time-out";
      case 505:
        return "Version Not Supported";
      case 513:
        return "Message Too Large";
      case 600:
        return "Busy Everywhere";
      case 603:
        return "Decline";
      case 604:
        return "Does Not Exist Anywhere";
      case 606:
        return "Not Acceptable";
      default:
        switch (code / 100) {
          case 1:
            return "Progress";
          case 2:
            return "Success";
          case 3:
            return "Redirection";
          case 4:
            return "Client Error";
          case 5:
            return "Server Error";
          default:
            return "Global Failure";
        }
    }
  }
}
