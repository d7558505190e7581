package dev.evertone.sip.transport;

import dev.evertone.sip.RateLimitedLog;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.Mapping;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where stream connection pipelines are assembled: TLS first when the transport is
 * TLS or WSS (the certificate chosen per handshake by SNI, so a rotated certificate reaches every
 * new connection), then SIP framing (TCP, TLS) or the WebSocket handshake and frames (WS, WSS, RFC
 * 7118).
 */
final class StreamChannelInitializer extends ChannelInitializer<SocketChannel> {
  private static final Logger log = LoggerFactory.getLogger(StreamChannelInitializer.class);
  private final RateLimitedLog refused = new RateLimitedLog(log, 10);
  private final RateLimitedLog slow = new RateLimitedLog(log, 10);

  private final MessageReceiver receiver;
  private final ConnectionTable connections;
  private final TransportType transport;
  private final long idleTimeoutSeconds;
  private final StreamLimits limits;
  private final @Nullable Mapping<String, SslContext> tls;
  private final @Nullable TlsHandshakes handshakes;

  StreamChannelInitializer(
      MessageReceiver receiver,
      ConnectionTable connections,
      TransportType transport,
      TransportConfig config,
      @Nullable Mapping<String, SslContext> tls,
      @Nullable TlsHandshakes handshakes) {
    if (transport.isSecure() && (tls == null || handshakes == null)) {
      throw new IllegalArgumentException(transport + " needs certificates");
    }
    this.receiver = receiver;
    this.connections = connections;
    this.transport = transport;
    this.idleTimeoutSeconds = config.idleTimeoutSeconds();
    this.limits = config.streams();
    this.tls = tls;
    this.handshakes = handshakes;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    // an accepted connection has its server socket as parent and its peer's address already; an
    // outgoing one is not connected yet (no remote address) and counts in the total only
    InetSocketAddress remote = ch.parent() == null ? null : ch.remoteAddress();
    ConnectionTable.Refusal refusal =
        remote == null
            ? (connections.hasRoom() ? null : ConnectionTable.Refusal.FULL)
            : connections.admit(remote.getAddress(), ch.closeFuture());
    if (refusal != null) {
      // rate-limited: a flood of connections must not become a flood of log lines
      refused.warn(
          System.currentTimeMillis(),
          refusal == ConnectionTable.Refusal.FULL
              ? "refusing connection from {}: the limit of open connections is reached"
                  + " (sip.max-connections)"
              : "refusing connection from {}: the address has "
                  + connections.maxPerSource()
                  + " open connections (sip.max-connections-per-source)",
          remote == null ? "(outgoing)" : remote);
      // nothing waits for the refused connection's close
      var unused = ch.close();
      return;
    }
    ChannelPipeline p = ch.pipeline();
    if (tls != null && handshakes != null) {
      p.addLast(
          PipelineNames.TLS,
          new SniHandler(
              tls, limits.maxClientHelloBytes(), limits.tlsHandshakeTimeout().toMillis()));
      p.addLast(PipelineNames.TLS_OUTCOME, handshakes);
    }
    p.addLast(PipelineNames.IDLE, new IdleStateHandler(0, 0, idleTimeoutSeconds, TimeUnit.SECONDS));
    if (transport == TransportType.WS || transport == TransportType.WSS) {
      WebSocketPipeline.add(p, receiver.parser().limits(), limits);
    } else {
      p.addLast(
          PipelineNames.STREAM_DECODER,
          new StreamDecoder(receiver.parser(), limits.messageTimeout(), slow));
    }
    p.addLast(PipelineNames.STREAM_RECEIVER, new StreamHandler(receiver, connections, transport));
  }
}
