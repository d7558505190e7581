package dev.evertone.sip;

import dev.evertone.sip.parser.SipParser;
import dev.evertone.sip.transaction.TimerConfig;
import dev.evertone.sip.transaction.TransactionLayer;
import dev.evertone.sip.transaction.TransactionUser;
import dev.evertone.sip.transaction.WheelTimerService;
import dev.evertone.sip.transport.MessageReceiver;
import dev.evertone.sip.transport.NettySipTransport;
import dev.evertone.sip.transport.TransportConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import java.net.InetSocketAddress;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The SIP layers wired together: transport (UDP, TCP, TLS, WS, WSS) -> parser and validation -> transaction layer ->
 * the transaction user given at start.
 */
public final class SipStack implements AutoCloseable {
  private final NettySipTransport transport;
  private final WheelTimerService timers;
  private final TransactionLayer transactions;

  private SipStack(NettySipTransport transport, WheelTimerService timers, TransactionLayer transactions) {
    this.transport = transport;
    this.timers = timers;
    this.transactions = transactions;
  }

  /** Opens the sockets of {@code transportConfig} and starts delivering requests to {@code user}. */
  public static SipStack start(TransportConfig transportConfig, TimerConfig timerConfig, TransactionUser user, MeterRegistry meters)
      throws InterruptedException {
    return start(transportConfig, timerConfig, TransactionLayer.DEFAULT_COMPLETED_BYTES, user, meters);
  }

  /**
   * As {@link #start(TransportConfig, TimerConfig, TransactionUser, MeterRegistry)}, with the memory of the
   * Timer J response store.
   */
  public static SipStack start(TransportConfig transportConfig, TimerConfig timerConfig, long completedBytes, TransactionUser user,
      MeterRegistry meters) throws InterruptedException {
    return start(transportConfig, timerConfig, completedBytes, null, user, meters);
  }

  /**
   * As above, with the server certificates of TLS and WSS listen points.
   *
   * @param tls the certificate of each new handshake by SNI host name (see evertone-tls), or null without TLS
   */
  public static SipStack start(TransportConfig transportConfig, TimerConfig timerConfig, long completedBytes,
      @Nullable Mapping<String, SslContext> tls, TransactionUser user, MeterRegistry meters) throws InterruptedException {
    NettySipTransport transport = new NettySipTransport(transportConfig, meters, tls);
    WheelTimerService timers = new WheelTimerService();
    TransactionLayer layer = new TransactionLayer(transport, timers, timerConfig, user, meters, completedBytes);
    MessageReceiver receiver = new MessageReceiver(new SipParser(transportConfig.limits()), layer, transportConfig.warnAgent(), meters);
    try {
      transport.start(receiver);
    } catch (Exception e) { // includes a BindException, which Netty throws unchecked
      transport.stop(1000);
      timers.close();
      throw e;
    }
    return new SipStack(transport, timers, layer);
  }

  public TransactionLayer transactions() {
    return transactions;
  }

  /** The bound socket addresses, in listen-point order. */
  public List<InetSocketAddress> boundAddresses() {
    return transport.boundAddresses();
  }

  @Override
  public void close() {
    transport.stop(2000);
    timers.close();
  }
}
