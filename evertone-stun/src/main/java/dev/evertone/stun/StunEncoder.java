package dev.evertone.stun;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Builds a STUN message: header, attributes with their padding, and optionally MESSAGE-INTEGRITY,
 * MESSAGE-INTEGRITY-SHA256 and FINGERPRINT last, in that order (RFC 8489 14.5-14.7).
 */
public final class StunEncoder {
  private final int method;
  private final StunMessage.Kind kind;
  private final int cookie;
  private final byte[] transactionId;
  private final ByteArrayOutputStream body = new ByteArrayOutputStream(64);

  public StunEncoder(int method, StunMessage.Kind kind, byte[] transactionId) {
    this(method, kind, StunMessage.MAGIC_COOKIE, transactionId);
  }

  private StunEncoder(int method, StunMessage.Kind kind, int cookie, byte[] transactionId) {
    if (transactionId.length != 12) {
      throw new IllegalArgumentException("a transaction ID has 96 bits");
    }
    this.method = method;
    this.kind = kind;
    this.cookie = cookie;
    this.transactionId = transactionId.clone();
  }

  /**
   * A message to an RFC 3489 client: its 128-bit transaction ID fills the magic cookie's place too
   * (RFC 8489 12.2).
   */
  static StunEncoder classic(int method, StunMessage.Kind kind, byte[] transactionId128) {
    if (transactionId128.length != 16) {
      throw new IllegalArgumentException("an RFC 3489 transaction ID has 128 bits");
    }
    return new StunEncoder(
        method,
        kind,
        ByteBuffer.wrap(transactionId128).getInt(),
        java.util.Arrays.copyOfRange(transactionId128, 4, 16));
  }

  /** The response to {@code request}: same method and transaction ID. */
  public static StunEncoder responseTo(StunMessage request, boolean success) {
    return new StunEncoder(
        request.method(),
        success ? StunMessage.Kind.SUCCESS : StunMessage.Kind.ERROR,
        request.transactionId());
  }

  public StunEncoder add(int type, byte[] value) {
    if (value.length > 0xffff) {
      throw new IllegalArgumentException("attribute too long");
    }
    body.write(type >> 8);
    body.write(type);
    body.write(value.length >> 8);
    body.write(value.length);
    body.writeBytes(value);
    for (int i = value.length; i % 4 != 0; i++) {
      body.write(0);
    }
    return this;
  }

  public StunEncoder text(int type, String value) {
    return add(type, value.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * XOR-MAPPED-ADDRESS and its relatives (RFC 8489 14.2): family, port and address XORed with
   * cookie and ID.
   */
  public StunEncoder xorAddress(int type, InetSocketAddress address) {
    byte[] ip = address.getAddress().getAddress();
    byte[] key = StunMessage.xorKey(transactionId);
    ByteBuffer v = ByteBuffer.allocate(4 + ip.length);
    v.put((byte) 0)
        .put((byte) (ip.length == 4 ? 1 : 2))
        .putShort((short) (address.getPort() ^ (StunMessage.MAGIC_COOKIE >>> 16)));
    for (int i = 0; i < ip.length; i++) {
      v.put((byte) (ip[i] ^ key[i]));
    }
    return add(type, v.array());
  }

  /** ERROR-CODE (RFC 8489 14.8): class, number and a reason phrase. */
  public StunEncoder error(int code, String reason) {
    byte[] r = reason.getBytes(StandardCharsets.UTF_8);
    ByteBuffer v = ByteBuffer.allocate(4 + r.length);
    v.putShort((short) 0).put((byte) (code / 100)).put((byte) (code % 100)).put(r);
    return add(StunAttributes.ERROR_CODE, v.array());
  }

  /** UNKNOWN-ATTRIBUTES (RFC 8489 14.9). */
  public StunEncoder unknown(List<Integer> types) {
    ByteBuffer v = ByteBuffer.allocate(types.size() * 2);
    types.forEach(t -> v.putShort((short) (int) t));
    return add(StunAttributes.UNKNOWN_ATTRIBUTES, v.array());
  }

  /**
   * The message; with {@code key} it carries MESSAGE-INTEGRITY, with {@code fingerprint} a
   * FINGERPRINT last.
   */
  public byte[] encode(byte @Nullable [] key, boolean fingerprint) {
    byte[] m = withHeader(body.toByteArray(), 0);
    if (key != null) {
      byte[] mac = StunIntegrity.hmacSha1(key, withHeader(body.toByteArray(), 24));
      add(StunAttributes.MESSAGE_INTEGRITY, mac);
      m = withHeader(body.toByteArray(), 0);
    }
    if (fingerprint) {
      int crc = StunIntegrity.fingerprint(withHeader(body.toByteArray(), 8));
      add(StunAttributes.FINGERPRINT, ByteBuffer.allocate(4).putInt(crc).array());
      m = withHeader(body.toByteArray(), 0);
    }
    return m;
  }

  /**
   * Header and attributes; the length field counts {@code extra} more bytes (an attribute about to
   * follow).
   */
  private byte[] withHeader(byte[] attributes, int extra) {
    ByteBuffer b = ByteBuffer.allocate(StunMessage.HEADER + attributes.length);
    b.putShort((short) StunMessage.type(method, kind))
        .putShort((short) (attributes.length + extra))
        .putInt(cookie)
        .put(transactionId)
        .put(attributes);
    return b.array();
  }
}
