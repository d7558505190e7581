package dev.evertone.sip.transport;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where stream connection pipelines are assembled. */
final class StreamChannelInitializer extends ChannelInitializer<SocketChannel> {
  private static final Logger log = LoggerFactory.getLogger(StreamChannelInitializer.class);

  private final MessageReceiver receiver;
  private final ConnectionTable connections;
  private final TransportType transport;
  private final long idleTimeoutSeconds;

  StreamChannelInitializer(MessageReceiver receiver, ConnectionTable connections, TransportType transport, long idleTimeoutSeconds) {
    this.receiver = receiver;
    this.connections = connections;
    this.transport = transport;
    this.idleTimeoutSeconds = idleTimeoutSeconds;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    if (!connections.hasRoom()) {
      log.warn("refusing connection from {}: the limit of open connections is reached", ch.remoteAddress());
      ch.close();
      return;
    }
    ChannelPipeline p = ch.pipeline();
    p.addLast(PipelineNames.IDLE, new IdleStateHandler(0, 0, idleTimeoutSeconds, TimeUnit.SECONDS));
    p.addLast(PipelineNames.STREAM_DECODER, new StreamDecoder(receiver.parser()));
    p.addLast(PipelineNames.STREAM_RECEIVER, new StreamHandler(receiver, connections, transport));
  }
}
