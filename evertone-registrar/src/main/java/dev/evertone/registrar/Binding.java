package dev.evertone.registrar;

import dev.evertone.sip.transport.Flow;
import dev.evertone.sip.transport.TransportType;
import dev.evertone.sip.uri.SipUri;
import dev.evertone.sip.uri.Uri;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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

  /**
   * A Contact of a REGISTER, as the binding keeps it.
   *
   * @param uri the contact URI as the device wrote it
   * @param params header parameters other than expires and q, as written, or null
   * @param qMillis the q-value times 1000, or -1 if the contact had none
   * @param instanceId the {@code +sip.instance} of RFC 5626, or null
   * @param regId the {@code reg-id} of RFC 5626, or -1
   */
  public record Contact(
      String uri, @Nullable String params, int qMillis, @Nullable String instanceId, int regId) {}

  /**
   * What the REGISTER said about itself.
   *
   * @param callId its Call-ID, which with {@code cseq} orders the REGISTERs of one device (RFC 3261
   *     10.3 step 7)
   * @param userAgent its User-Agent, or null
   * @param path its Path header values (RFC 3327), or null
   */
  public record Register(
      String callId, long cseq, @Nullable String userAgent, @Nullable String path) {}

  /**
   * Where the REGISTER came from.
   *
   * @param source the device's address as evertone saw it (after NAT)
   * @param flow the connection or UDP socket it came over; null for a binding read back from the
   *     store
   */
  public record Origin(TransportType transport, InetSocketAddress source, @Nullable Flow flow) {}

  /**
   * @param registeredAt epoch milliseconds at which the contact was first bound
   * @param expiresAt epoch milliseconds at which the binding expires
   */
  public Binding(
      Contact contact, Register register, Origin origin, long registeredAt, long expiresAt) {
    this.contact = Objects.requireNonNull(contact.uri());
    this.contactParams = contact.params();
    this.q = (short) contact.qMillis();
    this.instanceId = contact.instanceId();
    this.regId = contact.regId();
    this.callId = Objects.requireNonNull(register.callId());
    this.cseq = (int) register.cseq();
    this.userAgent = register.userAgent();
    this.path = register.path();
    this.transport = origin.transport();
    this.sourceIp = origin.source().getAddress().getAddress();
    this.sourcePort = origin.source().getPort();
    this.flow = origin.flow();
    this.registeredAt = registeredAt;
    this.expiresAt = expiresAt;
  }

  /** {@code update} with another first registration time. */
  private Binding(Binding update, long registeredAt) {
    this.contact = update.contact;
    this.contactParams = update.contactParams;
    this.q = update.q;
    this.instanceId = update.instanceId;
    this.regId = update.regId;
    this.callId = update.callId;
    this.cseq = update.cseq;
    this.userAgent = update.userAgent;
    this.path = update.path;
    this.transport = update.transport;
    this.sourceIp = update.sourceIp;
    this.sourcePort = update.sourcePort;
    this.flow = update.flow;
    this.registeredAt = registeredAt;
    this.expiresAt = update.expiresAt;
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
    return new Binding(update, registeredAt);
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
