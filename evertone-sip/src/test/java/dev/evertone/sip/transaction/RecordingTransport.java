package dev.evertone.sip.transaction;

import dev.evertone.sip.message.SipMessage;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.transport.Destination;
import dev.evertone.sip.transport.Flow;
import dev.evertone.sip.transport.SipTransport;
import dev.evertone.sip.transport.Source;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Records what the transaction layer sends, with the virtual time of each send. */
final class RecordingTransport implements SipTransport {
  record Sent(long at, SipMessage message) {}

  private final ManualTimers timers;
  final List<Sent> sent = new ArrayList<>();
  boolean failSends;

  RecordingTransport(ManualTimers timers) {
    this.timers = timers;
  }

  @Override
  public SentResponse sendResponse(
      SipResponse response, Source source, Flow.SendFailureHandler onFailure) {
    record(response, onFailure);
    Flow recording =
        new Flow() {
          @Override
          public dev.evertone.sip.transport.TransportType transport() {
            return source.transport();
          }

          @Override
          public java.net.InetSocketAddress localAddress() {
            return source.flow().localAddress();
          }

          @Override
          public boolean isOpen() {
            return true;
          }

          @Override
          public void send(
              byte[] bytes, java.net.@Nullable InetSocketAddress remote, SendFailureHandler f) {
            record(PARSER.parse(bytes), f);
          }

          @Override
          public void close() {}
        };
    return new SentResponse(
        response.toBytes(), recording, source.transport().isReliable() ? null : source.remote());
  }

  private static final dev.evertone.sip.parser.SipParser PARSER =
      new dev.evertone.sip.parser.SipParser(dev.evertone.sip.parser.ParseLimits.DEFAULT);

  @Override
  public void sendRequest(
      SipRequest request, Destination destination, Flow.SendFailureHandler onFailure) {
    record(request, onFailure);
  }

  private void record(SipMessage m, Flow.SendFailureHandler onFailure) {
    if (failSends) {
      onFailure.onFailure(new java.io.IOException("connection refused"));
      return;
    }
    sent.add(new Sent(timers.now(), m));
  }

  List<Long> sendTimes() {
    return sent.stream().map(Sent::at).toList();
  }

  SipMessage last() {
    return sent.get(sent.size() - 1).message();
  }
}
