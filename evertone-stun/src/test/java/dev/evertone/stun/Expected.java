package dev.evertone.stun;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** What a test expects a message to carry: a test whose message lacks it fails, saying so. */
final class Expected {
  private Expected() {}

  static StunMessage.Attribute attribute(StunMessage m, int type) {
    StunMessage.Attribute a = m.attribute(type);
    if (a == null) {
      throw new AssertionError(m + " has no attribute 0x" + Integer.toHexString(type));
    }
    return a;
  }

  static String text(StunMessage m, int type) {
    String text = m.text(type);
    if (text == null) {
      throw new AssertionError(m + " has no attribute 0x" + Integer.toHexString(type));
    }
    return text;
  }

  static InetSocketAddress xorAddress(StunMessage m, int type) throws StunException {
    InetSocketAddress address = m.xorAddress(type);
    if (address == null) {
      throw new AssertionError(m + " has no address attribute 0x" + Integer.toHexString(type));
    }
    return address;
  }

  /** ::1, without a name lookup. */
  static InetAddress ipv6Loopback() throws UnknownHostException {
    byte[] address = new byte[16];
    address[15] = 1;
    return InetAddress.getByAddress(address);
  }
}
