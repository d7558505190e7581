package dev.evertone.stun;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * What the STUN server answers (RFC 8489 6.3): a Binding request gets a success response with the
 * address it came from (XOR-MAPPED-ADDRESS) and a FINGERPRINT if the request had one; a request
 * with a comprehension-required attribute it does not know gets 420 with UNKNOWN-ATTRIBUTES; a
 * request of another method gets 400. RFC 3489 clients get their answer in the old form ({@link
 * ClassicBinding}). Indications, responses and anything that is not a valid STUN message get
 * nothing. Pure: the transport calls it on its I/O thread.
 */
public final class BindingService {
  private final Counter answered;
  private final Counter refused;
  private final Counter dropped;

  public BindingService(MeterRegistry meters) {
    this.answered = outcome("answered", meters);
    this.refused = outcome("refused", meters);
    this.dropped = outcome("dropped", meters);
  }

  private static Counter outcome(String outcome, MeterRegistry meters) {
    return Counter.builder("evertone.stun.requests")
        .tag("outcome", outcome)
        .description(
            "STUN messages received, by outcome: answered, refused (an error response), dropped (not valid STUN)")
        .register(meters);
  }

  /**
   * The answer to the {@code length} bytes of {@code packet} from {@code source}, or null when none
   * is due.
   */
  public byte @Nullable [] answer(byte[] packet, int length, InetSocketAddress source) {
    StunMessage m;
    try {
      m = StunMessage.parse(packet, length);
    } catch (StunException e) {
      byte[] classic = ClassicBinding.answer(packet, length, source);
      (classic == null ? dropped : answered).increment();
      return classic;
    }
    if (m.kind() != StunMessage.Kind.REQUEST) {
      return null; // indications need no answer; responses are not ours to take
    }
    boolean fingerprint = m.attribute(StunAttributes.FINGERPRINT) != null;
    if (fingerprint && !StunIntegrity.fingerprintOk(m)) {
      dropped.increment(); // RFC 8489 7.3: a wrong FINGERPRINT means it is not STUN
      return null;
    }
    if (!m.unknownRequired().isEmpty()) {
      refused.increment();
      return StunEncoder.responseTo(m, false)
          .error(420, "Unknown Attribute")
          .unknown(m.unknownRequired())
          .encode(null, fingerprint);
    }
    if (m.method() != StunAttributes.BINDING) {
      refused.increment();
      return StunEncoder.responseTo(m, false)
          .error(400, "Bad Request: unknown method")
          .encode(null, fingerprint);
    }
    answered.increment();
    return StunEncoder.responseTo(m, true)
        .xorAddress(StunAttributes.XOR_MAPPED_ADDRESS, source)
        .encode(null, fingerprint);
  }
}
