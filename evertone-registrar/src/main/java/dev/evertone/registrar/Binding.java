package dev.evertone.registrar;

import dev.evertone.sip.transport.Flow;
import dev.evertone.sip.transport.TransportType;
import dev.evertone.sip.uri.SipUri;
import dev.evertone.sip.uri.Uri;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One binding of an address-of-record to a contact (RFC 3261 10.2), with what is needed to reach
 * the contact later: where the REGISTER came from and, for stream transports, the connection it
 * came over. Immutable; kept compact because a registrar holds one per registered device (about 1
 * million on one node is a target).
 */
public final class Binding {
  private final String contact;
  private final @Nullable String contactParams;
  private final short q;
  private final String callId;
  private final int cseq;
  private final long expiresAt;
  private final long registeredAt;
  private final TransportType transport;
  private final byte[] sourceIp;
  private final int sourcePort;
  private final @Nullable Flow flow;
  private final @Nullable String userAgent;
  private final @Nullable String instanceId;
  private final int regId;
  private final @Nullable String path;

  @SuppressWarnings("checkstyle:ParameterNumber")
  public Binding(
      String contact,
      @Nullable String contactParams,
      int qMillis,
      String callId,
      long cseq,
      long expiresAt,
      long registeredAt,
      TransportType transport,
      byte[] sourceIp,
      int sourcePort,
      @Nullable Flow flow,
      @Nullable String userAgent,
      @Nullable String instanceId,
      int regId,
      @Nullable String path) {
    this.contact = Objects.requireNonNull(contact);
    this.contactParams = contactParams;
    this.q = (short) qMillis;
    this.callId = Objects.requireNonNull(callId);
    this.cseq = (int) cseq;
    this.expiresAt = expiresAt;
    this.registeredAt = registeredAt;
    this.transport = transport;
    this.sourceIp = sourceIp;
    this.sourcePort = sourcePort;
    this.flow = flow;
    this.userAgent = userAgent;
    this.instanceId = instanceId;
    this.regId = regId;
    this.path = path;
  }

  /** The contact URI as the device registered it. */
  public String contact() {
    return contact;
  }

  /**
   * Contact header parameters other than expires and q, as written (e.g. {@code
   * ;+sip.instance="..."}), or null.
   */
  public @Nullable String contactParams() {
    return contactParams;
  }

  /** The q-value times 1000 (0-1000), or -1 if the contact had none. */
  public int qMillis() {
    return q;
  }

  public String callId() {
    return callId;
  }

  public long cseq() {
    return cseq;
  }

  /** Epoch milliseconds at which the binding expires. */
  public long expiresAt() {
    return expiresAt;
  }

  /** Epoch milliseconds at which this contact was first bound (kept across refreshes). */
  public long registeredAt() {
    return registeredAt;
  }

  public TransportType transport() {
    return transport;
  }

  /** The address the REGISTER came from (after NAT). */
  public InetAddress sourceAddress() {
    try {
      return InetAddress.getByAddress(sourceIp);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  public int sourcePort() {
    return sourcePort;
  }

  /**
   * The flow the REGISTER came over: its connection (TCP, TLS, WebSocket), or the UDP socket, so
   * that requests to the device leave from the address it sends to (RFC 5626 5.3; NAT bindings are
   * per address).
   */
  public @Nullable Flow flow() {
    return flow;
  }

  public @Nullable String userAgent() {
    return userAgent;
  }

  /** The {@code +sip.instance} of RFC 5626, or null. */
  public @Nullable String instanceId() {
    return instanceId;
  }

  /** The {@code reg-id} of RFC 5626, or -1. */
  public int regId() {
    return regId;
  }

  /** The Path header values the REGISTER carried (RFC 3327), or null. */
  public @Nullable String path() {
    return path;
  }

  public boolean isExpired(long now) {
    return now >= expiresAt;
  }

  /** Seconds left, rounded up, never negative. */
  public long secondsLeft(long now) {
    return Math.max(0, (expiresAt - now + 999) / 1000);
  }

  /**
   * Whether {@code otherContact} names this binding: the same RFC 5626 instance and reg-id when
   * both have them, else equivalent URIs (RFC 3261 10.3 step 7 and 19.1.4).
   */
  public boolean matches(String otherContact, @Nullable String otherInstance, int otherRegId) {
    if (instanceId != null && otherInstance != null) {
      return instanceId.equals(otherInstance) && regId == otherRegId;
    }
    if (contact.equals(otherContact)) {
      return true;
    }
    try {
      Uri a = Uri.parse(contact);
      Uri b = Uri.parse(otherContact);
      if (a instanceof SipUri sa && b instanceof SipUri sb) {
        return sa.equivalentTo(sb);
      }
      return a.equals(b);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** A copy with new expiry, Call-ID and CSeq: a refresh keeps the first registration time. */
  public Binding refreshedBy(Binding update) {
    return new Binding(
        update.contact,
        update.contactParams,
        update.q,
        update.callId,
        update.cseq,
        update.expiresAt,
        registeredAt,
        update.transport,
        update.sourceIp,
        update.sourcePort,
        update.flow,
        update.userAgent,
        update.instanceId,
        update.regId,
        update.path);
  }

  @Override
  public String toString() {
    return "<"
        + contact
        + ">"
        + (contactParams == null ? "" : contactParams)
        + " via "
        + transport.lowerName()
        + ":"
        + sourceAddress().getHostAddress()
        + ":"
        + sourcePort;
  }
}
