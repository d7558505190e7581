package dev.evertone.stun;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Binding requests of RFC 3489 clients (RFC 8489 12.2): no magic cookie, so the 128-bit transaction ID is echoed
 * whole and the address goes in a plain MAPPED-ADDRESS. Old NAT-type checkers also send CHANGE-REQUEST: with no
 * flag set it asks for nothing and is answered; asking for another address or port (which a server with one
 * address cannot do, RFC 5780) gets 420, as does any other comprehension-required attribute.
 */
final class ClassicBinding {
  private static final int MAPPED_ADDRESS = 0x0001;
  private static final int CHANGE_REQUEST = 0x0003;

  private ClassicBinding() {}

  /** The answer to an RFC 3489 Binding request, or null if {@code b} is not one. */
  static byte @Nullable [] answer(byte[] b, int length, InetSocketAddress source) {
    if (length < StunMessage.HEADER || length > 548) {
      return null; // RFC 3489 9.1: such requests fit in 548 bytes
    }
    ByteBuffer in = ByteBuffer.wrap(b, 0, length);
    int type = in.getShort() & 0xffff;
    int bodyLength = in.getShort() & 0xffff;
    if (type != StunAttributes.BINDING || in.getInt() == StunMessage.MAGIC_COOKIE || bodyLength % 4 != 0
        || StunMessage.HEADER + bodyLength != length) {
      return null;
    }
    in.position(StunMessage.HEADER);
    int unknown = -1;
    while (in.remaining() >= 4) {
      int attr = in.getShort() & 0xffff;
      int attrLength = in.getShort() & 0xffff;
      if (attrLength > in.remaining()) {
        return null;
      }
      boolean harmless = attr == CHANGE_REQUEST && attrLength == 4 && (in.getInt(in.position()) & 0x06) == 0;
      if (attr < 0x8000 && !harmless && unknown < 0) {
        unknown = attr;
      }
      in.position(in.position() + ((attrLength + 3) & ~3));
    }
    if (in.remaining() != 0) {
      return null;
    }
    byte[] ip = source.getAddress().getAddress();
    ByteBuffer out = ByteBuffer.allocate(StunMessage.HEADER + (unknown >= 0 ? 8 + 4 + 8 : 4 + 4 + ip.length));
    out.putShort((short) (unknown >= 0 ? 0x0111 : 0x0101)).putShort((short) (out.capacity() - StunMessage.HEADER)).put(b, 4, 16);
    if (unknown >= 0) {
      // ERROR-CODE 420 in RFC 3489's form, then UNKNOWN-ATTRIBUTES (the one repeated: an even count of 2-byte entries)
      out.putShort((short) StunAttributes.ERROR_CODE).putShort((short) 4).putShort((short) 0).put((byte) 4).put((byte) 20);
      out.putShort((short) StunAttributes.UNKNOWN_ATTRIBUTES).putShort((short) 4).putShort((short) unknown).putShort((short) unknown);
    } else {
      out.putShort((short) MAPPED_ADDRESS).putShort((short) (4 + ip.length)).put((byte) 0).put((byte) (ip.length == 4 ? 1 : 2))
          .putShort((short) source.getPort()).put(ip);
    }
    return out.array();
  }
}
