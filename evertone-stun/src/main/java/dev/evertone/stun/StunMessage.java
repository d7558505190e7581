package dev.evertone.stun;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A STUN message (RFC 8489 5): a 20-byte header - two zero bits, the type (method and class), the
 * length of the attributes, the magic cookie, a 96-bit transaction ID - and attributes in TLV form,
 * each padded to 4 bytes. Immutable; parsed from the octets it arrived as, which it keeps, so that
 * MESSAGE-INTEGRITY and FINGERPRINT can be checked over exactly what was sent.
 */
public final class StunMessage {
  public static final int MAGIC_COOKIE = 0x2112A442;
  public static final int HEADER = 20;

  /** RFC 8489 5: the class in bits C1 and C0 of the type. */
  public enum Kind {
    REQUEST(0b00),
    INDICATION(0b01),
    SUCCESS(0b10),
    ERROR(0b11);

    /** C1 and C0. */
    private final int bits;

    Kind(int bits) {
      this.bits = bits;
    }

    static Kind of(int bits) {
      return switch (bits) {
        case 0b00 -> REQUEST;
        case 0b01 -> INDICATION;
        case 0b10 -> SUCCESS;
        default -> ERROR;
      };
    }
  }

  /**
   * One attribute as it appears: its type and value (without padding), and where it starts in the
   * message. (A class, not a record: its value is an array, which a record would compare by
   * identity.)
   */
  public static final class Attribute {
    private final int type;
    private final byte[] value;
    private final int offset;

    Attribute(int type, byte[] value, int offset) {
      this.type = type;
      this.value = value;
      this.offset = offset;
    }

    public int type() {
      return type;
    }

    public byte[] value() {
      return value;
    }

    public int offset() {
      return offset;
    }
  }

  private final byte[] raw;
  private final int method;
  private final Kind kind;
  private final byte[] transactionId;
  private final List<Attribute> attributes;

  private StunMessage(
      byte[] raw, int method, Kind kind, byte[] transactionId, List<Attribute> attributes) {
    this.raw = raw;
    this.method = method;
    this.kind = kind;
    this.transactionId = transactionId;
    this.attributes = attributes;
  }

  /**
   * Parses and validates a whole message (RFC 8489 6.3): the two leading zero bits, the magic
   * cookie, a length that is a multiple of 4 and matches the octets, attributes that fit. Anything
   * else is a {@link StunException} and the message is silently discarded by the server.
   */
  public static StunMessage parse(byte[] bytes, int length) throws StunException {
    if (length < HEADER) {
      throw new StunException("shorter than a STUN header: " + length + " bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, 0, length);
    int type = b.getShort() & 0xffff;
    if ((type & 0xC000) != 0) {
      throw new StunException("the first two bits are not zero");
    }
    int bodyLength = b.getShort() & 0xffff;
    if (b.getInt() != MAGIC_COOKIE) {
      throw new StunException("no magic cookie (an RFC 3489 message?)");
    }
    if (bodyLength % 4 != 0 || HEADER + bodyLength != length) {
      throw new StunException(
          "message length "
              + bodyLength
              + " does not match the "
              + (length - HEADER)
              + " bytes after the header");
    }
    byte[] tid = new byte[12];
    b.get(tid);
    List<Attribute> attributes = new ArrayList<>();
    while (b.remaining() > 0) {
      if (b.remaining() < 4) {
        throw new StunException("a truncated attribute header");
      }
      int at = b.position();
      int attrType = b.getShort() & 0xffff;
      int attrLength = b.getShort() & 0xffff;
      int padded = (attrLength + 3) & ~3;
      if (padded > b.remaining()) {
        throw new StunException(
            "attribute 0x" + Integer.toHexString(attrType) + " is longer than the message");
      }
      byte[] value = new byte[attrLength];
      b.get(value);
      b.position(b.position() + padded - attrLength);
      attributes.add(new Attribute(attrType, value, at));
    }
    byte[] raw = Arrays.copyOf(bytes, length);
    int method = (type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2);
    int c = ((type & 0x0100) >> 7) | ((type & 0x0010) >> 4);
    return new StunMessage(raw, method, Kind.of(c), tid, List.copyOf(attributes));
  }

  /** The message type field for a method and class (RFC 8489 5, figure 3). */
  static int type(int method, Kind kind) {
    int c = kind.bits;
    return (method & 0x000F)
        | ((method & 0x0070) << 1)
        | ((method & 0x0F80) << 2)
        | ((c & 1) << 4)
        | ((c & 2) << 7);
  }

  public int method() {
    return method;
  }

  public Kind kind() {
    return kind;
  }

  public byte[] transactionId() {
    return transactionId.clone();
  }

  public List<Attribute> attributes() {
    return attributes;
  }

  /** The octets the message arrived as. */
  public byte[] raw() {
    return raw.clone();
  }

  /** The first attribute of {@code type}, or null. */
  public @Nullable Attribute attribute(int type) {
    for (Attribute a : attributes) {
      if (a.type() == type) {
        return a;
      }
    }
    return null;
  }

  /** A text attribute (USERNAME, REALM, NONCE, SOFTWARE) as UTF-8, or null. */
  public @Nullable String text(int type) {
    Attribute a = attribute(type);
    return a == null ? null : new String(a.value(), StandardCharsets.UTF_8);
  }

  /**
   * Comprehension-required attributes (0x0000-0x7FFF) this implementation does not know (RFC 8489
   * 6.3.1).
   */
  public List<Integer> unknownRequired() {
    List<Integer> out = new ArrayList<>();
    for (Attribute a : attributes) {
      if (a.type() < 0x8000 && !StunAttributes.known(a.type())) {
        out.add(a.type());
      }
    }
    return out;
  }

  /**
   * The address of an XOR-MAPPED-ADDRESS (or XOR-PEER/RELAYED-ADDRESS) attribute (RFC 8489 14.2).
   */
  public @Nullable InetSocketAddress xorAddress(int type) throws StunException {
    Attribute a = attribute(type);
    return a == null ? null : xorAddress(a);
  }

  /**
   * The address of one XOR-encoded address attribute of this message (a request may carry several
   * peers).
   */
  public InetSocketAddress xorAddress(Attribute a) throws StunException {
    int type = a.type();
    byte[] v = a.value();
    if (v.length < 8
        || (v[1] != 1 && v[1] != 2)
        || (v[1] == 1 && v.length != 8)
        || (v[1] == 2 && v.length != 20)) {
      throw new StunException("a malformed address attribute 0x" + Integer.toHexString(type));
    }
    int port = ((v[2] & 0xff) << 8 | (v[3] & 0xff)) ^ (MAGIC_COOKIE >>> 16);
    byte[] ip = Arrays.copyOfRange(v, 4, v.length);
    byte[] key = xorKey(transactionId);
    for (int i = 0; i < ip.length; i++) {
      ip[i] ^= key[i];
    }
    try {
      return new InetSocketAddress(InetAddress.getByAddress(ip), port);
    } catch (UnknownHostException e) {
      throw new StunException("a malformed address attribute");
    }
  }

  /**
   * The magic cookie followed by the transaction ID: what an address is XORed with (RFC 8489 14.2).
   */
  static byte[] xorKey(byte[] transactionId) {
    return ByteBuffer.allocate(16).putInt(MAGIC_COOKIE).put(transactionId).array();
  }

  @Override
  public String toString() {
    return "STUN "
        + StunAttributes.methodName(method)
        + " "
        + kind
        + " "
        + attributes.size()
        + " attributes";
  }
}
