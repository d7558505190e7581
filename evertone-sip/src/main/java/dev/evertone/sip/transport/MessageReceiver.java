package dev.evertone.sip.transport;

import dev.evertone.sip.Randomness;
import dev.evertone.sip.header.HeaderName;
import dev.evertone.sip.header.Via;
import dev.evertone.sip.message.HeaderField;
import dev.evertone.sip.message.Method;
import dev.evertone.sip.message.SipMessage;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.parser.FramingException;
import dev.evertone.sip.parser.MessageValidator;
import dev.evertone.sip.parser.SipParser;
import dev.evertone.sip.syntax.SipParseException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where received octets become messages and protocol errors become answers.
 *
 * <ul>
 *   <li>A request that fails parsing or validation but can still be answered (its headers parsed,
 *       it has a Via) gets the status the error carries (400, 413 or 505) with the reason in a
 *       Warning header, sent straight back to the packet's source, never to an address named in the
 *       message.
 *   <li>Anything else (garbage, responses that fail, ACKs) is dropped and counted.
 *   <li>A good request gets the received and rport parameters of RFC 3261 18.2.1 and RFC 3581 on
 *       its top Via, and goes to the listener.
 * </ul>
 */
public final class MessageReceiver {
  private static final Logger log = LoggerFactory.getLogger(MessageReceiver.class);

  private final SipParser parser;
  private final InboundListener listener;
  private final String warnAgent;
  private final MeterRegistry meters;
  private final Map<TransportType, Counter> requests;
  private final Map<TransportType, Counter> responses;
  private final Map<TransportType, Counter> keepAlives;
  private final Map<TransportType, Counter> dropped;
  private final Map<String, Counter> rejected = new ConcurrentHashMap<>();

  /**
   * @param warnAgent the host name put in Warning headers (RFC 3261 20.43 warn-agent)
   */
  public MessageReceiver(
      SipParser parser, InboundListener listener, String warnAgent, MeterRegistry meters) {
    this.parser = parser;
    this.listener = listener;
    this.warnAgent = warnAgent;
    this.meters = meters;
    this.requests =
        perTransport(
            "evertone.sip.messages.received", "Requests received and accepted", "kind", "request");
    this.responses =
        perTransport(
            "evertone.sip.messages.received",
            "Responses received and accepted",
            "kind",
            "response");
    this.keepAlives = perTransport("evertone.sip.keepalives", "CRLF keep-alives received");
    this.dropped =
        perTransport(
            "evertone.sip.messages.dropped", "Malformed messages dropped without an answer");
  }

  private Map<TransportType, Counter> perTransport(
      String name, String description, String... tags) {
    Map<TransportType, Counter> out = new EnumMap<>(TransportType.class);
    for (TransportType t : TransportType.values()) {
      out.put(
          t,
          Counter.builder(name)
              .description(description)
              .tags(tags)
              .tag("transport", t.lowerName())
              .register(meters));
    }
    return out;
  }

  private static void increment(Map<TransportType, Counter> counters, TransportType transport) {
    Objects.requireNonNull(counters.get(transport), "perTransport made one for every transport")
        .increment();
  }

  public SipParser parser() {
    return parser;
  }

  /** One UDP datagram. */
  public void onDatagram(byte[] data, Source source) {
    if (isKeepAlive(data)) {
      increment(keepAlives, source.transport());
      return;
    }
    SipMessage message;
    try {
      message = parser.parseDatagram(data, 0, data.length);
    } catch (FramingException e) {
      reject(e.message(), e, source);
      return;
    } catch (SipParseException e) {
      drop(source, e.reason());
      return;
    }
    deliver(message, source);
  }

  /**
   * One WebSocket message (RFC 7118 5: exactly one SIP message; a broken one is answered or dropped
   * like a datagram, and the connection stays, since the WebSocket framing is intact).
   */
  /** A stream connection closed (RFC 5626 6: its flow failed). */
  public void onFlowClosed(Flow flow) {
    listener.onFlowClosed(flow);
  }

  public void onWebSocketMessage(byte[] data, Source source) {
    onDatagram(data, source);
  }

  /** A message framed on a stream connection. */
  public void onStreamMessage(SipMessage message, Source source) {
    deliver(message, source);
  }

  /**
   * A stream lost its framing; the caller closes the connection after this. A request whose head
   * parsed is answered first.
   */
  public void onStreamFramingError(SipParseException error, Source source) {
    if (error instanceof FramingException framing) {
      reject(framing.message(), error, source);
    } else {
      drop(source, error.reason());
    }
  }

  private void deliver(SipMessage message, Source source) {
    if (message instanceof SipRequest request) {
      try {
        MessageValidator.checkRequest(request);
      } catch (SipParseException e) {
        reject(request, e, source);
        return;
      }
      increment(requests, source.transport());
      SipRequest stamped;
      try {
        stamped = stampSource(request, source);
      } catch (SipParseException e) {
        reject(request, e, source);
        return;
      }
      listener.onRequest(stamped, source);
    } else {
      SipResponse response = (SipResponse) message;
      try {
        MessageValidator.checkResponse(response);
      } catch (SipParseException e) {
        drop(source, e.reason());
        return;
      }
      increment(responses, source.transport());
      listener.onResponse(response, source);
    }
  }

  /** RFC 3261 18.2.1 and RFC 3581 4: record where the request really came from in its top Via. */
  // Via.withSource returns the very Via it was called on when it adds nothing (its contract, tested
  // in the codec): identity, not equality, says that the request needs no rewrite
  @SuppressWarnings("ReferenceEquality")
  static SipRequest stampSource(SipRequest request, Source source) {
    Via top = request.topVia();
    Via stamped = top.withSource(source.remoteIp(), source.remotePort());
    if (stamped == top) {
      return request;
    }
    return request.toBuilder()
        .mapFirst(
            HeaderName.VIA,
            field -> {
              List<Via> inField = Via.parseList(field);
              StringBuilder out = new StringBuilder(field.length() + 40);
              stamped.appendTo(out);
              for (int i = 1; i < inField.size(); i++) {
                out.append(", ");
                inField.get(i).appendTo(out);
              }
              return out.toString();
            })
        .build();
  }

  private void reject(SipMessage message, SipParseException error, Source source) {
    if (!(message instanceof SipRequest request)
        || request.isMethod(Method.ACK)
        || !request.has(HeaderName.VIA)) {
      drop(source, error.reason());
      return;
    }
    String status = Integer.toString(error.statusCode());
    rejected
        .computeIfAbsent(
            source.transport().lowerName() + status,
            k ->
                Counter.builder("evertone.sip.messages.rejected")
                    .description("Malformed requests answered with an error")
                    .tag("transport", source.transport().lowerName())
                    .tag("status", status)
                    .register(meters))
        .increment();
    log.debug(
        "rejecting {} from {} with {}: {}",
        request.method(),
        source,
        error.statusCode(),
        error.getMessage());
    SipResponse.Builder answer =
        SipResponse.forRequest(request, error.statusCode()).withToTag(Randomness.tag());
    answer.add(
        new HeaderField(HeaderName.WARNING, "399 " + warnAgent + " " + quoted(error.reason())));
    byte[] bytes;
    try {
      bytes = answer.build().toBytes();
    } catch (IllegalArgumentException e) {
      drop(source, error.reason());
      return;
    }
    source.flow().send(bytes, source.remote(), Flow.SendFailureHandler.IGNORE);
  }

  private void drop(Source source, String reason) {
    increment(dropped, source.transport());
    log.debug("dropped malformed message from {}: {}", source, reason);
  }

  /** A warn-text: printable ASCII only, quotes and backslashes escaped, at most 120 chars. */
  static String quoted(String reason) {
    StringBuilder out = new StringBuilder(reason.length() + 2).append('"');
    for (int i = 0; i < reason.length() && out.length() < 120; i++) {
      char c = reason.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c >= 0x20 && c < 0x7f) {
        out.append(c);
      } else {
        out.append('?');
      }
    }
    return out.append('"').toString();
  }

  /** CRLF keep-alives (RFC 5626 4.4.1) and the NUL/whitespace pings some devices send over UDP. */
  static boolean isKeepAlive(byte[] data) {
    for (byte b : data) {
      if (b != '\r' && b != '\n' && b != 0 && b != ' ' && b != '\t') {
        return false;
      }
    }
    return true;
  }
}
