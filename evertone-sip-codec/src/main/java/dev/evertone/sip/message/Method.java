package dev.evertone.sip.message;

/** SIP method names (RFC 3261 and extensions). Methods are case-sensitive tokens. */
public final class Method {
  private Method() {}

  public static final String ACK = "ACK";
  public static final String BYE = "BYE";
  public static final String CANCEL = "CANCEL";
  public static final String INFO = "INFO";
  public static final String INVITE = "INVITE";
  public static final String MESSAGE = "MESSAGE";
  public static final String NOTIFY = "NOTIFY";
  public static final String OPTIONS = "OPTIONS";
  public static final String PRACK = "PRACK";
  public static final String PUBLISH = "PUBLISH";
  public static final String REFER = "REFER";
  public static final String REGISTER = "REGISTER";
  public static final String SUBSCRIBE = "SUBSCRIBE";
  public static final String UPDATE = "UPDATE";

  private static final String[] KNOWN = {
    ACK, BYE, CANCEL, INFO, INVITE, MESSAGE, NOTIFY, OPTIONS, PRACK, PUBLISH, REFER, REGISTER,
    SUBSCRIBE, UPDATE
  };

  /** The shared constant for a known method name, else {@code name} itself. */
  public static String intern(String name) {
    for (String m : KNOWN) {
      if (m.equals(name)) {
        return m;
      }
    }
    return name;
  }

  /**
   * Whether the method is one this implementation recognises (RFC 3261 or a registered extension).
   */
  public static boolean isKnown(String name) {
    for (String m : KNOWN) {
      if (m.equals(name)) {
        return true;
      }
    }
    return false;
  }
}
