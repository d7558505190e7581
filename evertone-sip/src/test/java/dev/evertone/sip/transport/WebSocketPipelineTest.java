package dev.evertone.sip.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.sip.parser.ParseLimits;
import io.netty.channel.embedded.EmbeddedChannel;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebSocketPipelineTest {

  @Test
  void everyHandlerOfTheWebSocketPipelineHasItsNameFromPipelineNames() throws Exception {
    EmbeddedChannel channel = new EmbeddedChannel();
    WebSocketPipeline.add(channel.pipeline(), ParseLimits.DEFAULT, StreamLimits.DEFAULT);
    List<String> names = new ArrayList<>(channel.pipeline().names());
    names.removeIf(name -> name.endsWith("TailContext#0")); // Netty's own end of every pipeline
    // the WebSocket protocol handler adds helpers of its own, which Netty names after their class
    names.removeIf(name -> name.startsWith("io.netty.handler.codec.http.websocketx."));
    assertThat(names)
        .as("a handler added without a name gets a generated one, like WebSocketFrameAggregator#0")
        .containsExactly(
            PipelineNames.HTTP,
            PipelineNames.HTTP_AGGREGATOR,
            PipelineNames.WEBSOCKET_SUBPROTOCOL,
            PipelineNames.WEBSOCKET,
            PipelineNames.WEBSOCKET_AGGREGATOR,
            PipelineNames.WEBSOCKET_FRAMES);
    assertThat(constants()).containsAll(names);
    channel.finishAndReleaseAll();
  }

  private static List<String> constants() throws IllegalAccessException {
    List<String> out = new ArrayList<>();
    for (Field f : PipelineNames.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        out.add((String) f.get(null));
      }
    }
    return out;
  }
}
