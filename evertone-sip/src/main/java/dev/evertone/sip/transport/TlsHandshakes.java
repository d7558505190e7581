package dev.evertone.sip.transport;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts TLS handshakes by outcome ({@code evertone.sip.tls.handshakes}), so that a certificate
 * that devices refuse shows as a rise of failures; the failure's reason is logged at debug level
 * with the peer.
 */
@ChannelHandler.Sharable
final class TlsHandshakes extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(TlsHandshakes.class);

  private final Counter succeeded;
  private final Counter failed;

  TlsHandshakes(MeterRegistry meters) {
    succeeded =
        Counter.builder("evertone.sip.tls.handshakes")
            .description("TLS handshakes by outcome")
            .tag("outcome", "ok")
            .register(meters);
    failed =
        Counter.builder("evertone.sip.tls.handshakes")
            .description("TLS handshakes by outcome")
            .tag("outcome", "failed")
            .register(meters);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof SslHandshakeCompletionEvent done) {
      if (done.isSuccess()) {
        succeeded.increment();
      } else {
        failed.increment();
        log.debug(
            "TLS handshake with {} failed: {}",
            ctx.channel().remoteAddress(),
            done.cause().toString());
      }
    }
    super.userEventTriggered(ctx, evt);
  }
}
