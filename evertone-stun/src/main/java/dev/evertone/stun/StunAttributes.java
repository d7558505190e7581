package dev.evertone.stun;

/**
 * STUN methods and attribute types (RFC 8489 18.3, RFC 8656 18), and which evertone understands.
 */
public final class StunAttributes {
  private StunAttributes() {}

  public static final int BINDING = 0x001;

  // TURN methods (RFC 8656 18.1)
  public static final int ALLOCATE = 0x003;
  public static final int REFRESH = 0x004;
  public static final int SEND = 0x006;
  public static final int DATA = 0x007;
  public static final int CREATE_PERMISSION = 0x008;
  public static final int CHANNEL_BIND = 0x009;

  public static final int MAPPED_ADDRESS = 0x0001;
  public static final int USERNAME = 0x0006;
  public static final int MESSAGE_INTEGRITY = 0x0008;
  public static final int ERROR_CODE = 0x0009;
  public static final int UNKNOWN_ATTRIBUTES = 0x000A;
  public static final int REALM = 0x0014;
  public static final int NONCE = 0x0015;
  public static final int MESSAGE_INTEGRITY_SHA256 = 0x001C;
  public static final int PASSWORD_ALGORITHM = 0x001D;
  public static final int USERHASH = 0x001E;
  public static final int XOR_MAPPED_ADDRESS = 0x0020;
  public static final int PRIORITY = 0x0024;
  public static final int USE_CANDIDATE = 0x0025;
  public static final int SOFTWARE = 0x8022;
  public static final int ALTERNATE_SERVER = 0x8023;
  public static final int FINGERPRINT = 0x8028;
  public static final int ICE_CONTROLLED = 0x8029;
  public static final int ICE_CONTROLLING = 0x802A;

  // TURN attributes (RFC 8656 18.2); DATA_ATTRIBUTE is DATA, named apart from the method
  public static final int CHANNEL_NUMBER = 0x000C;
  public static final int LIFETIME = 0x000D;
  public static final int XOR_PEER_ADDRESS = 0x0012;
  public static final int DATA_ATTRIBUTE = 0x0013;
  public static final int XOR_RELAYED_ADDRESS = 0x0016;
  public static final int REQUESTED_ADDRESS_FAMILY = 0x0017;
  public static final int EVEN_PORT = 0x0018;
  public static final int REQUESTED_TRANSPORT = 0x0019;
  public static final int DONT_FRAGMENT = 0x001A;

  /**
   * Whether a comprehension-required attribute is one evertone processes (or may safely ignore,
   * ICE's).
   */
  static boolean known(int type) {
    return switch (type) {
      case MAPPED_ADDRESS,
          USERNAME,
          MESSAGE_INTEGRITY,
          ERROR_CODE,
          UNKNOWN_ATTRIBUTES,
          REALM,
          NONCE,
          MESSAGE_INTEGRITY_SHA256,
          PASSWORD_ALGORITHM,
          USERHASH,
          XOR_MAPPED_ADDRESS,
          PRIORITY,
          USE_CANDIDATE ->
          true;
      default -> false;
    };
  }

  static String methodName(int method) {
    return method == BINDING ? "Binding" : "method 0x" + Integer.toHexString(method);
  }
}
