package dev.evertone.stun;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Binding requests of RFC 3489 clients (RFC 8489 12.2): no magic cookie, so the 128-bit transaction
 * ID is echoed whole and the address goes in a plain MAPPED-ADDRESS. Old NAT-type checkers also
 * send CHANGE-REQUEST: with no flag set it asks for nothing and is answered; asking for another
 * address or port (which a server with one address cannot do, RFC 5780) gets 420, as does any other
 * comprehension-required attribute.
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
    if (type != StunAttributes.BINDING
        || in.getInt() == StunMessage.MAGIC_COOKIE
        || bodyLength % 4 != 0
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
      boolean harmless =
          attr == CHANGE_REQUEST && attrLength == 4 && (in.getInt(in.position()) & 0x06) == 0;
      if (attr < 0x8000 && !harmless && unknown < 0) {
        unknown = attr;
      }
      in.position(in.position() + ((attrLength + 3) & ~3));
    }
    if (in.remaining() != 0) {
      return null;
    }
    byte[] id = java.util.Arrays.copyOfRange(b, 4, StunMessage.HEADER);
    if (unknown >= 0) {
      // RFC 3489 11.2.9/11.2.10: no reason phrase, and the unknown attribute repeated (an even
      // count of entries)
      return StunEncoder.classic(StunAttributes.BINDING, StunMessage.Kind.ERROR, id)
          .error(420, "")
          .unknown(List.of(unknown, unknown))
          .encode(null, false);
    }
    byte[] ip = source.getAddress().getAddress();
    byte[] mapped =
        ByteBuffer.allocate(4 + ip.length)
            .put((byte) 0)
            .put((byte) (ip.length == 4 ? 1 : 2))
            .putShort((short) source.getPort())
            .put(ip)
            .array();
    return StunEncoder.classic(StunAttributes.BINDING, StunMessage.Kind.SUCCESS, id)
        .add(MAPPED_ADDRESS, mapped)
        .encode(null, false);
  }
}
