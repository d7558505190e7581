package dev.evertone.bench;

import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.parser.MessageValidator;
import dev.evertone.sip.parser.ParseLimits;
import dev.evertone.sip.parser.SipParser;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The codec's hot path: a REGISTER as a desk phone sends it (with credentials), parsed and
 * validated as the transport does for every datagram.
 *
 * <p>run: java -jar bench/target/evertone-bench.jar ParserBenchmark
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ParserBenchmark {
  private final SipParser parser = new SipParser(ParseLimits.DEFAULT);
  private final byte[] register =
      ("REGISTER sip:example.com SIP/2.0\r\n"
              + "Via: SIP/2.0/UDP 192.168.1.23:5060;branch=z9hG4bK-524287-1---a71c23d35fa5d9f0;rport\r\n"
              + "Max-Forwards: 70\r\n"
              + "Contact: <sip:1001@192.168.1.23:5060;transport=udp>;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\";reg-id=1\r\n"
              + "To: <sip:1001@example.com>\r\n"
              + "From: <sip:1001@example.com>;tag=6f1d7c63\r\n"
              + "Call-ID: 8d0a4b2e-4c1a-4d55-9b6e-2f0c7bb7d1a3\r\n"
              + "CSeq: 2 REGISTER\r\n"
              + "Expires: 3600\r\n"
              + "Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, INFO, SUBSCRIBE\r\n"
              + "User-Agent: Yealink SIP-T46U 108.86.0.20\r\n"
              + "Authorization: Digest username=\"1001\", realm=\"example.com\", nonce=\"AAABogib_5hlnynNyc_7dQZYLpUaCC4X0tMF3dOn0X4\", "
              + "uri=\"sip:example.com\", response=\"6629fae49393a05397450978507c4ef1\", algorithm=MD5, cnonce=\"0a4f113b\", qop=auth, nc=00000001\r\n"
              + "Allow-Events: talk, hold, conference, refer, check-sync\r\n"
              + "Content-Length: 0\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1);

  /**
   * Framing, start line, header fields, and the validation of Via, From, To, Call-ID, CSeq and
   * Contact.
   */
  @Benchmark
  public Object parseAndValidate() {
    SipRequest r = (SipRequest) parser.parse(register);
    MessageValidator.checkRequest(r);
    return r;
  }

  /** The above plus the credentials, as the registrar reads them. */
  @Benchmark
  public @Nullable Object parseValidateAndReadCredentials() {
    SipRequest r = (SipRequest) parser.parse(register);
    MessageValidator.checkRequest(r);
    return r.authHeaders("Authorization").get(0).param("response");
  }
}
