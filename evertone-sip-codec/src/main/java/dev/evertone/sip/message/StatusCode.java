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
    return switch (code) {
      case 100 -> "Trying";
      case 180 -> "Ringing";
      case 181 -> "Call Is Being Forwarded";
      case 182 -> "Queued";
      case 183 -> "Session Progress";
      case 200 -> "OK";
      case 202 -> "Accepted";
      case 300 -> "Multiple Choices";
      case 301 -> "Moved Permanently";
      case 302 -> "Moved Temporarily";
      case 305 -> "Use Proxy";
      case 380 -> "Alternative Service";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 402 -> "Payment Required";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 406 -> "Not Acceptable";
      case 407 -> "Proxy Authentication Required";
      case 408 -> "Request Timeout";
      case 410 -> "Gone";
      case 413 -> "Request Entity Too Large";
      case 414 -> "Request-URI Too Long";
      case 415 -> "Unsupported Media Type";
      case 416 -> "Unsupported URI Scheme";
      case 420 -> "Bad Extension";
      case 421 -> "Extension Required";
      case 423 -> "Interval Too Brief";
      case 429 -> "Too Many Requests";
      case 480 -> "Temporarily Unavailable";
      case 481 -> "Call/Transaction Does Not Exist";
      case 482 -> "Loop Detected";
      case 483 -> "Too Many Hops";
      case 484 -> "Address Incomplete";
      case 485 -> "Ambiguous";
      case 486 -> "Busy Here";
      case 487 -> "Request Terminated";
      case 488 -> "Not Acceptable Here";
      case 491 -> "Request Pending";
      case 493 -> "Undecipherable";
      case 500 -> "Server Internal Error";
      case 501 -> "Not Implemented";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Server Time-out";
      case 505 -> "Version Not Supported";
      case 513 -> "Message Too Large";
      case 600 -> "Busy Everywhere";
      case 603 -> "Decline";
      case 604 -> "Does Not Exist Anywhere";
      case 606 -> "Not Acceptable";
      default -> classPhrase(code);
    };
  }

  /** The generic reason phrase of a code's class (RFC 3261 21: the first digit). */
  private static String classPhrase(int code) {
    return switch (code / 100) {
      case 1 -> "Progress";
      case 2 -> "Success";
      case 3 -> "Redirection";
      case 4 -> "Client Error";
      case 5 -> "Server Error";
      default -> "Global Failure";
    };
  }
}
