package dev.evertone.sip.transport;

import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/** What the transaction layer needs from the transport layer (RFC 3261 18). */
public interface SipTransport {

  /**
   * Sends a response to a request that arrived from {@code source}, routed as RFC 3261 18.2.2 and
   * RFC 3581 say: over the same connection for streams; for UDP to received:rport (or the Via's
   * sent-by).
   *
   * @return what was sent and where, so that the same octets can be sent again (response
   *     retransmission)
   */
  SentResponse sendResponse(SipResponse response, Source source, Flow.SendFailureHandler onFailure);

  /**
   * A response as it went out: its octets, the flow and the address. Holds no parsed message, so
   * that it is cheap to keep for the 32 s of Timer J. (A class, not a record: its octets are never
   * compared.)
   */
  final class SentResponse {
    public static final SentResponse NONE = new SentResponse(new byte[0], NoFlow.INSTANCE, null);

    private final byte[] bytes;
    private final Flow flow;
    private final @Nullable InetSocketAddress destination;

    public SentResponse(byte[] bytes, Flow flow, @Nullable InetSocketAddress destination) {
      this.bytes = bytes;
      this.flow = flow;
      this.destination = destination;
    }

    public byte[] bytes() {
      return bytes;
    }

    public Flow flow() {
      return flow;
    }

    /** Where it went; null when it went over a stream connection, which needs no address. */
    public @Nullable InetSocketAddress destination() {
      return destination;
    }

    /** Sends the same octets to the same place again. */
    public void resend(Flow.SendFailureHandler onFailure) {
      flow.send(bytes, destination, onFailure);
    }
  }

  /** The flow of {@link SentResponse#NONE}. */
  enum NoFlow implements Flow {
    INSTANCE;

    @Override
    public TransportType transport() {
      return TransportType.UDP;
    }

    @Override
    public InetSocketAddress localAddress() {
      return new InetSocketAddress(0);
    }

    @Override
    public boolean isOpen() {
      return false;
    }

    @Override
    public void send(
        byte[] bytes, @Nullable InetSocketAddress remote, SendFailureHandler onFailure) {}

    @Override
    public void close() {}
  }

  /** Sends a request (RFC 3261 18.1.1). */
  void sendRequest(SipRequest request, Destination destination, Flow.SendFailureHandler onFailure);
}
