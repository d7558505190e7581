package dev.evertone.sip;

import dev.evertone.sip.parser.SipParser;
import dev.evertone.sip.transaction.TimerConfig;
import dev.evertone.sip.transaction.TransactionLayer;
import dev.evertone.sip.transaction.TransactionUser;
import dev.evertone.sip.transaction.WheelTimerService;
import dev.evertone.sip.transport.ListenPoint;
import dev.evertone.sip.transport.MessageReceiver;
import dev.evertone.sip.transport.NettySipTransport;
import dev.evertone.sip.transport.TransportConfig;
import dev.evertone.sip.transport.TransportType;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import java.net.InetSocketAddress;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The SIP layers wired together: transport (UDP, TCP, TLS, WS, WSS) -> parser and validation ->
 * transaction layer -> the transaction user given at start.
 */
public final class SipStack implements AutoCloseable {
  private final NettySipTransport transport;
  private final WheelTimerService timers;
  private final TransactionLayer transactions;

  private final SipSockets sockets;

  private SipStack(
      NettySipTransport transport,
      WheelTimerService timers,
      TransactionLayer transactions,
      SipSockets sockets) {
    this.transport = transport;
    this.timers = timers;
    this.transactions = transactions;
    this.sockets = sockets;
  }

  /**
   * Makes the transaction user of a stack from what it sends through: its transaction layer, and
   * its sockets as bound (read once the stack has started).
   */
  @FunctionalInterface
  public interface UserFactory {
    TransactionUser create(TransactionLayer transactions, SipSockets sockets);
  }

  /**
   * Opens the sockets of {@code transportConfig} and starts delivering requests to {@code user}.
   */
  public static SipStack start(
      TransportConfig transportConfig,
      TimerConfig timerConfig,
      TransactionUser user,
      MeterRegistry meters)
      throws InterruptedException {
    return start(
        transportConfig,
        timerConfig,
        TransactionLayer.DEFAULT_COMPLETED_BYTES,
        null,
        (layer, sockets) -> user,
        meters);
  }

  /**
   * Opens the sockets of {@code transportConfig} and starts delivering requests to the transaction
   * user {@code users} makes.
   *
   * @param completedBytes memory of the Timer J response store
   * @param tls the certificate of each new handshake by SNI host name (see evertone-tls), or null
   *     without TLS
   */
  public static SipStack start(
      TransportConfig transportConfig,
      TimerConfig timerConfig,
      long completedBytes,
      @Nullable Mapping<String, SslContext> tls,
      UserFactory users,
      MeterRegistry meters)
      throws InterruptedException {
    NettySipTransport transport = new NettySipTransport(transportConfig, meters, tls);
    WheelTimerService timers = new WheelTimerService();
    SipSockets sockets = new BoundSockets(transportConfig.listen(), transport);
    try {
      // the user is made here, by the factory: what fails in it stops the transport too
      TransactionLayer layer =
          new TransactionLayer(
              transport,
              timers,
              timerConfig,
              l -> users.create(l, sockets),
              meters,
              completedBytes);
      MessageReceiver receiver =
          new MessageReceiver(
              new SipParser(transportConfig.limits()), layer, transportConfig.warnAgent(), meters);
      transport.start(receiver);
      return new SipStack(transport, timers, layer, sockets);
    } catch (Exception | Error e) { // includes a BindException, which Netty throws unchecked
      transport.stop(1000);
      timers.close();
      throw e;
    }
  }

  public TransactionLayer transactions() {
    return transactions;
  }

  /** The bound socket addresses, in listen-point order. */
  public List<InetSocketAddress> boundAddresses() {
    return transport.boundAddresses();
  }

  /** The bound sockets by transport. */
  public SipSockets sockets() {
    return sockets;
  }

  /** The sockets of the listen points, as the transport bound them. */
  private record BoundSockets(List<ListenPoint> listen, NettySipTransport transport)
      implements SipSockets {
    @Override
    public @Nullable InetSocketAddress of(TransportType type) {
      List<InetSocketAddress> bound = transport.boundAddresses();
      for (int i = 0; i < listen.size() && i < bound.size(); i++) {
        if (listen.get(i).transport() == type) {
          return bound.get(i);
        }
      }
      return null;
    }
  }

  @Override
  public void close() {
    transport.stop(2000);
    timers.close();
  }
}
