package dev.evertone.sip.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.sip.SipStack;
import dev.evertone.sip.Torture;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.parser.ParseLimits;
import dev.evertone.sip.transaction.ClientTransaction;
import dev.evertone.sip.transaction.ServerTransaction;
import dev.evertone.sip.transaction.TimerConfig;
import dev.evertone.sip.transaction.TransactionLayer;
import dev.evertone.sip.transaction.TransactionUser;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The transport layer over real loopback sockets. */
class TransportTest {
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<SipRequest> requests = new CopyOnWriteArrayList<>();
  private SipStack stack;
  private InetSocketAddress udp;
  private InetSocketAddress tcp;

  /** Answers every request 200, as a UAS would. */
  private final TransactionUser answerer =
      new TransactionUser() {
        @Override
        public void onRequest(ServerTransaction tx, SipRequest request) {
          requests.add(request);
          tx.respond(
              SipResponse.forRequest(request, 200)
                  .set("To", request.header("To") + ";tag=srv")
                  .build());
        }
      };

  @BeforeEach
  void start() throws Exception {
    startWith(new ParseLimits(65_535, 4096, 64), 100, StreamLimits.DEFAULT);
  }

  private void startWith(ParseLimits limits, int maxConnections) throws Exception {
    startWith(limits, maxConnections, StreamLimits.DEFAULT);
  }

  private void startWith(ParseLimits limits, int maxConnections, StreamLimits streams)
      throws Exception {
    TransportConfig config =
        new TransportConfig(
            List.of(
                new ListenPoint(TransportType.UDP, "127.0.0.1", 0),
                new ListenPoint(TransportType.TCP, "127.0.0.1", 0)),
            limits,
            2,
            1 << 20,
            maxConnections,
            60,
            "test.evertone",
            streams);
    stack = SipStack.start(config, TimerConfig.RFC_3261, answerer, meters);
    udp = stack.boundAddresses().get(0);
    tcp = stack.boundAddresses().get(1);
  }

  @AfterEach
  void stop() {
    stack.close();
  }

  private static String options(String via, String callId) {
    return "OPTIONS sip:example.com SIP/2.0\r\n"
        + "Via: "
        + via
        + "\r\n"
        + "Max-Forwards: 70\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\n"
        + "Call-ID: "
        + callId
        + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
  }

  private double counter(String name, String... tags) {
    var c = meters.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  @DisplayName(
      "UDP: a request reaches the TU; the response returns with received and rport (RFC 3581)")
  void udpRoundTripWithRport() throws Exception {
    try (Peers.Udp phone = new Peers.Udp()) {
      phone.send(options("SIP/2.0/UDP phone.invalid:5099;branch=z9hG4bK-u1;rport", "u1"), udp);
      String answer = phone.receive(2000);
      assertThat(answer).startsWith("SIP/2.0 200 OK\r\n");
      assertThat(answer)
          .contains(
              "Via: SIP/2.0/UDP phone.invalid:5099;branch=z9hG4bK-u1;rport="
                  + phone.port()
                  + ";received=127.0.0.1");
      assertThat(requests).hasSize(1);
      assertThat(requests.get(0).topVia().received()).isEqualTo("127.0.0.1");
    }
  }

  @Test
  @DisplayName("UDP without rport: the response goes to the Via's sent-by port (RFC 3261 18.2.2)")
  void udpResponseToSentByPort() throws Exception {
    try (Peers.Udp sender = new Peers.Udp();
        Peers.Udp listener = new Peers.Udp()) {
      sender.send(
          options("SIP/2.0/UDP 127.0.0.1:" + listener.port() + ";branch=z9hG4bK-u2", "u2"), udp);
      assertThat(listener.receive(2000)).startsWith("SIP/2.0 200 OK");
      assertThat(sender.receive(300)).isNull();
    }
  }

  @ParameterizedTest(name = "{0} over UDP -> {1}")
  @DisplayName("malformed requests from RFC 4475 get their status back over UDP, with a Warning")
  @CsvSource({
    "badinv01, 400",
    "clerr, 400",
    "ncl, 400",
    "scalar02, 400",
    "quotbal, 400",
    "badaspec, 400",
    "baddn, 400",
    "badvers, 505",
    "mismatch01, 400",
    "mismatch02, 400",
    "insuf, 400",
    "multi01, 400",
    "mcl01, 400",
    "escruri, 400",
    "regbadct, 400",
    "ltgtruri, 400",
    "lwsruri, 400",
    "lwsstart, 400",
    "trws, 400",
  })
  void tortureRejectionsOverUdp(String file, int status) throws Exception {
    try (Peers.Udp peer = new Peers.Udp()) {
      peer.send(Torture.rfc4475(file), udp);
      String answer = peer.receive(2000);
      assertThat(answer).as(file).startsWith("SIP/2.0 " + status + " ");
      assertThat(answer).contains("\r\nWarning: 399 test.evertone \"");
      assertThat(requests).isEmpty();
      assertThat(
              counter(
                  "evertone.sip.messages.rejected",
                  "transport",
                  "udp",
                  "status",
                  Integer.toString(status)))
          .isEqualTo(1);
    }
  }

  @ParameterizedTest(name = "{0} is dropped")
  @DisplayName("unanswerable input is dropped and counted, and the server keeps serving")
  @CsvSource({"bigcode", "scalarlg"})
  void unanswerableIsDropped(String file) throws Exception {
    try (Peers.Udp peer = new Peers.Udp()) {
      peer.send(Torture.rfc4475(file), udp);
      peer.send(
          new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xff, 0x01},
          udp); // a TLS hello on the UDP port
      assertThat(peer.receive(300)).isNull();
      assertThat(counter("evertone.sip.messages.dropped", "transport", "udp")).isEqualTo(2);
      peer.send(
          options("SIP/2.0/UDP 127.0.0.1:" + peer.port() + ";branch=z9hG4bK-after", "after"), udp);
      assertThat(peer.receive(2000)).startsWith("SIP/2.0 200 OK");
    }
  }

  @Test
  @DisplayName("CRLF keep-alives over UDP are counted, not answered")
  void udpKeepAlive() throws Exception {
    try (Peers.Udp peer = new Peers.Udp()) {
      peer.send("\r\n\r\n", udp);
      assertThat(peer.receive(300)).isNull();
      assertThat(counter("evertone.sip.keepalives", "transport", "udp")).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("TCP: a message split across writes and two messages in one write are framed right")
  void tcpFraming() throws Exception {
    try (Peers.Tcp phone = new Peers.Tcp(tcp)) {
      String one = options("SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK-t1", "t1");
      phone.write(one.substring(0, 20));
      Thread.sleep(50);
      phone.write(one.substring(20, 100));
      Thread.sleep(50);
      phone.write(one.substring(100));
      phone.write(
          options("SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK-t2", "t2")
              + options("SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK-t3", "t3"));
      String answers = phone.readMessages(3, 3000);
      assertThat(answers.split("SIP/2.0 200 OK", -1)).hasSize(4);
      assertThat(requests).extracting(SipRequest::callId).containsExactly("t1", "t2", "t3");
    }
  }

  @Test
  @DisplayName("TCP: a message with a body is framed by Content-Length")
  void tcpBody() throws Exception {
    try (Peers.Tcp phone = new Peers.Tcp(tcp)) {
      String msg =
          """
          MESSAGE sip:b@example.com SIP/2.0\r
          Via: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK-m1\r
          Max-Forwards: 70\r
          From: <sip:a@example.com>;tag=1\r
          To: <sip:b@example.com>\r
          Call-ID: m1\r
          CSeq: 1 MESSAGE\r
          Content-Type: text/plain\r
          Content-Length: 12\r
          \r
          hello\r
          there""";
      phone.write(msg + options("SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK-m2", "m2"));
      phone.readMessages(2, 3000);
      assertThat(requests).hasSize(2);
      assertThat(new String(requests.get(0).body(), StandardCharsets.US_ASCII))
          .isEqualTo("hello\r\nthere");
    }
  }

  @Test
  @DisplayName("TCP: a double-CRLF ping gets a CRLF pong (RFC 5626 4.4.1)")
  void tcpPingPong() throws Exception {
    try (Peers.Tcp phone = new Peers.Tcp(tcp)) {
      phone.write("\r\n\r\n");
      byte[] pong = new byte[2];
      assertThat(phone.in.read(pong)).isEqualTo(2);
      assertThat(new String(pong, StandardCharsets.US_ASCII)).isEqualTo("\r\n");
    }
  }

  @Test
  @DisplayName(
      "TCP: a negative Content-Length gets 400 and the connection is closed (framing lost)")
  void tcpFramingLoss() throws Exception {
    try (Peers.Tcp phone = new Peers.Tcp(tcp)) {
      phone.write(new String(Torture.rfc4475("ncl"), StandardCharsets.ISO_8859_1));
      String answer = phone.readMessages(1, 2000);
      assertThat(answer).startsWith("SIP/2.0 400 ");
      assertThat(phone.closedByPeer(2000)).isTrue();
    }
  }

  @Test
  @DisplayName("TCP: headers beyond the limit without an empty line close the connection")
  void tcpHeaderFlood() throws Exception {
    try (Peers.Tcp phone = new Peers.Tcp(tcp)) {
      phone.write(
          "OPTIONS sip:example.com SIP/2.0\r\n" + "X-Flood: yyyyyyyyyyyyyyyyyyyy\r\n".repeat(200));
      assertThat(phone.closedByPeer(2000)).isTrue();
    }
    assertThat(counter("evertone.sip.messages.dropped", "transport", "tcp")).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "TCP: a garbage start line closes the connection; a bad header keeps it open with a 400")
  void tcpGarbageAndBadHeader() throws Exception {
    try (Peers.Tcp phone = new Peers.Tcp(tcp)) {
      phone.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(phone.closedByPeer(2000)).isTrue();
    }
    try (Peers.Tcp phone = new Peers.Tcp(tcp)) {
      phone.write(
          options("SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK-b1", "b1")
              .replace("To: <sip:b@example.com>", "To: <sip:b@example.com"));
      assertThat(phone.readMessages(1, 2000)).startsWith("SIP/2.0 400 ");
      phone.write(options("SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK-b2", "b2"));
      assertThat(phone.readMessages(1, 2000)).startsWith("SIP/2.0 200 OK");
    }
  }

  @Test
  @DisplayName("connections beyond the configured maximum are refused")
  void connectionLimit() throws Exception {
    stack.close();
    startWith(ParseLimits.DEFAULT, 1);
    try (Peers.Tcp first = new Peers.Tcp(tcp)) {
      first.write(options("SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK-c1", "c1"));
      assertThat(first.readMessages(1, 2000)).startsWith("SIP/2.0 200 OK");
      try (Peers.Tcp second = new Peers.Tcp(tcp)) {
        assertThat(second.closedByPeer(2000)).isTrue();
      }
    }
  }

  @Test
  @DisplayName("one address cannot take every connection slot: its next is refused, others connect")
  void connectionLimitPerSource() throws Exception {
    stack.close();
    StreamLimits d = StreamLimits.DEFAULT;
    startWith(
        ParseLimits.DEFAULT,
        100,
        new StreamLimits(
            d.tlsHandshakeTimeout(),
            d.maxClientHelloBytes(),
            d.maxUpgradeLineBytes(),
            d.maxUpgradeChunkBytes(),
            d.maxUpgradeContentBytes(),
            d.acceptBacklog(),
            d.connectTimeout(),
            2,
            d.messageTimeout()));
    try (Peers.Tcp a = new Peers.Tcp(tcp);
        Peers.Tcp b = new Peers.Tcp(tcp)) {
      for (Peers.Tcp c : List.of(a, b)) {
        c.write(options("SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK-s" + c.hashCode(), "s"));
        assertThat(c.readMessages(1, 2000)).startsWith("SIP/2.0 200 OK");
      }
      try (Peers.Tcp third = new Peers.Tcp(tcp)) {
        assertThat(third.closedByPeer(2000)).isTrue();
      }
      try (Peers.Tcp other = new Peers.Tcp(tcp, InetAddress.getByName("127.0.0.2"))) {
        other.write(options("SIP/2.0/TCP 127.0.0.2:5060;branch=z9hG4bK-o", "o"));
        assertThat(other.readMessages(1, 2000)).startsWith("SIP/2.0 200 OK");
      }
    }
    // a slot is given back when its connection closes (once the server has seen the close)
    String answer = "";
    for (int i = 0; i < 20 && !answer.startsWith("SIP/2.0 200 OK"); i++) {
      try (Peers.Tcp again = new Peers.Tcp(tcp)) {
        again.write(options("SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK-g" + i, "g" + i));
        answer = again.readMessages(1, 500);
      } catch (java.io.IOException e) {
        Thread.sleep(100); // refused while the server still counts the closed ones
      }
    }
    assertThat(answer).startsWith("SIP/2.0 200 OK");
  }

  /** A client transaction under way: the statuses of its responses, and a latch the first opens. */
  private record Sent(CountDownLatch done, List<Integer> statuses) {}

  /** Sends OPTIONS to a peer on loopback in a client transaction over {@code transport}. */
  private Sent sendOptions(TransportType transport, int peerPort, int viaPort, String callId)
      throws Exception {
    SipRequest options =
        SipRequest.builder(
                "OPTIONS",
                dev.evertone.sip.uri.SipUri.parse(
                    "sip:127.0.0.1:"
                        + peerPort
                        + (transport == TransportType.UDP ? "" : ";transport=tcp")))
            .add(
                "Via",
                "SIP/2.0/"
                    + transport.name()
                    + " 127.0.0.1:"
                    + viaPort
                    + ";branch="
                    + TransactionLayer.newBranch())
            .add("Max-Forwards", 70)
            .add("From", "<sip:evertone@127.0.0.1>;tag=x")
            .add("To", "<sip:peer@127.0.0.1>")
            .add("Call-ID", callId)
            .add("CSeq", "1 OPTIONS")
            .build();
    Sent sent = new Sent(new CountDownLatch(1), new CopyOnWriteArrayList<>());
    stack
        .transactions()
        .send(
            options,
            Destination.of(
                transport, new InetSocketAddress(InetAddress.getLoopbackAddress(), peerPort)),
            new ClientTransaction.Listener() {
              @Override
              public void onResponse(ClientTransaction tx, SipResponse response) {
                sent.statuses().add(response.status());
                sent.done().countDown();
              }

              @Override
              public void onTimeout(ClientTransaction tx) {}

              @Override
              public void onTransportError(ClientTransaction tx, Throwable cause) {}
            });
    return sent;
  }

  @Test
  @DisplayName(
      "a client transaction over TCP: evertone opens the connection, request out, response in")
  void clientTransactionOverTcp() throws Exception {
    try (java.net.ServerSocket peer =
        new java.net.ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      peer.setSoTimeout(3000);
      Sent sent =
          sendOptions(TransportType.TCP, peer.getLocalPort(), tcp.getPort(), "client-tcp-1");
      try (java.net.Socket s = peer.accept()) {
        s.setSoTimeout(3000);
        byte[] buf = new byte[4096];
        StringBuilder got = new StringBuilder();
        while (got.indexOf("\r\n\r\n") < 0) {
          int n = s.getInputStream().read(buf);
          assertThat(n).as("the request arrives before the connection closes").isPositive();
          got.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
        }
        assertThat(got.toString()).startsWith("OPTIONS sip:127.0.0.1:" + peer.getLocalPort());
        SipRequest req =
            (SipRequest) Torture.PARSER.parse(got.toString().getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().write(SipResponse.forRequest(req, 200).build().toBytes());
        s.getOutputStream().flush();
        assertThat(sent.done().await(2, TimeUnit.SECONDS)).isTrue();
        assertThat(sent.statuses()).containsExactly(200);
      }
    }
  }

  @Test
  @DisplayName("a client transaction over UDP: request out, response in")
  void clientTransactionOverUdp() throws Exception {
    try (Peers.Udp peer = new Peers.Udp()) {
      Sent sent = sendOptions(TransportType.UDP, peer.port(), udp.getPort(), "client-1");
      String got = peer.receive(2000);
      assertThat(got).startsWith("OPTIONS sip:127.0.0.1:" + peer.port() + " SIP/2.0");
      SipRequest req =
          (SipRequest)
              Torture.PARSER.parse(
                  Objects.requireNonNull(got, "it arrived: asserted above")
                      .getBytes(StandardCharsets.ISO_8859_1));
      peer.send(SipResponse.forRequest(req, 200).build().toBytes(), udp);
      assertThat(sent.done().await(2, TimeUnit.SECONDS)).isTrue();
      assertThat(sent.statuses()).containsExactly(200);
    }
  }
}
