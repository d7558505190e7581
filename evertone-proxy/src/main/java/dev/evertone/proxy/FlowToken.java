package dev.evertone.proxy;

import dev.evertone.sip.transport.Destination;
import dev.evertone.sip.transport.TransportType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Flow tokens (RFC 5626 5.2): the user part of the Record-Route URIs the proxy inserts names the
 * flow on that side of the dialog - transport and the peer's address as the proxy saw it - so that
 * in-dialog requests reach a device behind NAT or over its own connection whatever its Contact
 * says. A token carries an HMAC, so only tokens this cluster made are followed: a forged Route
 * cannot turn evertone into a relay.
 */
public final class FlowToken {
  private static final int MAC_BYTES = 8;

  /**
   * The transport of a token, by its first byte ({@link #code}): the codes stay as they are, so
   * that the tokens in the dialogs of a running cluster stay valid across versions.
   */
  private static final List<TransportType> TRANSPORTS =
      List.of(
          TransportType.UDP,
          TransportType.TCP,
          TransportType.TLS,
          TransportType.WS,
          TransportType.WSS);

  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs;

  /**
   * @param secret the cluster's shared secret (the nonce secret): every node must accept the
   *     others' tokens
   */
  public FlowToken(byte[] secret) {
    // a key of its own, derived from the shared secret, so a token can never be confused with a
    // nonce
    this.key =
        new SecretKeySpec(
            hmac(
                new SecretKeySpec(secret, "HmacSHA256"),
                "evertone flow token".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
            "HmacSHA256");
    this.macs = ThreadLocal.withInitial(() -> newMac(key));
  }

  /** The token for sending to {@code remote} over {@code transport}. */
  public String encode(TransportType transport, InetSocketAddress remote) {
    byte[] ip = remote.getAddress().getAddress();
    ByteBuffer b = ByteBuffer.allocate(1 + ip.length + 2 + MAC_BYTES);
    b.put(code(transport)).put(ip).putShort((short) remote.getPort());
    Mac mac = macs.get();
    mac.update(b.array(), 0, b.position());
    b.put(mac.doFinal(), 0, MAC_BYTES);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
  }

  /**
   * Where a token says to send, or null when it is not a token of ours (malformed, or its MAC is
   * wrong).
   */
  public @Nullable Destination decode(@Nullable String token) {
    if (token == null || token.length() > 64) {
      return null;
    }
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      return null;
    }
    int ipLength = raw.length - 1 - 2 - MAC_BYTES;
    if ((ipLength != 4 && ipLength != 16) || raw[0] < 0 || raw[0] >= TRANSPORTS.size()) {
      return null;
    }
    int signed = raw.length - MAC_BYTES;
    Mac mac = macs.get();
    mac.update(raw, 0, signed);
    byte[] expected = Arrays.copyOf(mac.doFinal(), MAC_BYTES);
    if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(raw, signed, raw.length))) {
      return null;
    }
    try {
      InetAddress ip = InetAddress.getByAddress(Arrays.copyOfRange(raw, 1, 1 + ipLength));
      int port = ((raw[1 + ipLength] & 0xff) << 8) | (raw[2 + ipLength] & 0xff);
      return Destination.of(TRANSPORTS.get(raw[0]), new InetSocketAddress(ip, port));
    } catch (UnknownHostException e) {
      return null; // cannot happen for 4 or 16 bytes
    }
  }

  /** The first byte of a token: its transport. */
  private static byte code(TransportType transport) {
    return switch (transport) {
      case UDP -> 0;
      case TCP -> 1;
      case TLS -> 2;
      case WS -> 3;
      case WSS -> 4;
    };
  }

  private static byte[] hmac(SecretKeySpec key, byte[] data) {
    return newMac(key).doFinal(data);
  }

  private static Mac newMac(SecretKeySpec key) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(key);
      return m;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}
