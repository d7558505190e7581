package dev.evertone.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evertone.sip.message.SipMessage;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.parser.ParseLimits;
import dev.evertone.sip.parser.SipParser;
import dev.evertone.sip.transport.Destination;
import dev.evertone.sip.transport.Flow;
import dev.evertone.sip.transport.Source;
import dev.evertone.sip.transport.TransportType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** RFC 3261 17 state machines, timer by timer, on a virtual clock. */
class TransactionLayerTest {
  private static final SipParser PARSER = new SipParser(ParseLimits.DEFAULT);

  private final ManualTimers timers = new ManualTimers();
  private final RecordingTransport transport = new RecordingTransport(timers);
  private final List<SipRequest> received = new ArrayList<>();
  private final List<ServerTransaction> serverTxs = new ArrayList<>();
  private final List<String> events = new ArrayList<>();

  private final TransactionUser user =
      new TransactionUser() {
        @Override
        public void onRequest(ServerTransaction tx, SipRequest request) {
          serverTxs.add(tx);
          received.add(request);
        }

        @Override
        public void onCancel(InviteServerTransaction invite, SipRequest cancel) {
          events.add("cancel");
          invite.respond(SipResponse.forRequest(invite.request(), 487).build());
        }

        @Override
        public void onAckWithoutTransaction(SipRequest ack, Source source) {
          events.add("stray-ack");
        }

        @Override
        public void onAckTimeout(InviteServerTransaction tx) {
          events.add("ack-timeout");
        }

        @Override
        public void onTransportError(ServerTransaction tx, Throwable cause) {
          events.add("transport-error");
        }
      };

  private final TransactionLayer layer =
      new TransactionLayer(
          transport, timers, TimerConfig.RFC_3261, user, new SimpleMeterRegistry());

  private static final Flow NO_FLOW =
      new Flow() {
        @Override
        public TransportType transport() {
          return TransportType.UDP;
        }

        @Override
        public InetSocketAddress localAddress() {
          return new InetSocketAddress(InetAddress.getLoopbackAddress(), 5060);
        }

        @Override
        public boolean isOpen() {
          return true;
        }

        @Override
        public void send(
            byte[] bytes, @Nullable InetSocketAddress remote, SendFailureHandler onFailure) {}

        @Override
        public void close() {}
      };

  private static Source source(TransportType t) {
    return new Source(t, new InetSocketAddress("192.0.2.10", 5060), NO_FLOW);
  }

  private static SipRequest request(String method, @Nullable String branch) {
    return request(method, method, branch);
  }

  private static SipRequest request(String method, String cseqMethod, @Nullable String branch) {
    String text =
        method
            + " sip:1001@example.com SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 192.0.2.10:5060"
            + (branch == null ? "" : ";branch=" + branch)
            + "\r\n"
            + "Max-Forwards: 70\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <sip:1001@example.com>\r\n"
            + "Call-ID: tx-test\r\nCSeq: 5 "
            + cseqMethod
            + "\r\nContent-Length: 0\r\n\r\n";
    return (SipRequest) PARSER.parse(text.getBytes(StandardCharsets.US_ASCII));
  }

  private static SipResponse response(SipRequest r, int status) {
    return SipResponse.forRequest(r, status).build();
  }

  private static int status(SipMessage m) {
    return ((SipResponse) m).status();
  }

  @Test
  @DisplayName(
      "non-INVITE server, UDP: retransmissions absorbed in Trying, answered in Completed; Timer J = 64*T1")
  void nonInviteServerUdp() {
    SipRequest reg = request("REGISTER", "z9hG4bK-reg1");
    layer.onRequest(reg, source(TransportType.UDP));
    assertThat(received).hasSize(1);
    layer.onRequest(reg, source(TransportType.UDP)); // retransmission in Trying: absorbed
    assertThat(received).hasSize(1);
    assertThat(transport.sent).isEmpty();

    serverTxs.get(0).respond(response(reg, 200));
    assertThat(transport.sent).hasSize(1);
    layer.onRequest(reg, source(TransportType.UDP)); // in Completed: the 200 again
    assertThat(transport.sent).hasSize(2);
    assertThat(status(transport.last())).isEqualTo(200);
    serverTxs.get(0).respond(response(reg, 500)); // a later TU response is discarded
    assertThat(transport.sent).hasSize(2);

    timers.advance(31_999);
    layer.onRequest(
        reg, source(TransportType.UDP)); // still answered from Completed just before Timer J
    assertThat(transport.sent).hasSize(3);
    assertThat(received).hasSize(1);
    timers.advance(1);
    layer.onRequest(reg, source(TransportType.UDP)); // after Timer J: a new transaction
    assertThat(received).hasSize(2);
  }

  @Test
  @DisplayName("non-INVITE server, TCP: Timer J is zero")
  void nonInviteServerTcp() {
    SipRequest reg = request("REGISTER", "z9hG4bK-reg2");
    layer.onRequest(reg, source(TransportType.TCP));
    serverTxs.get(0).respond(response(reg, 100));
    assertThat(((NonInviteServerTransaction) serverTxs.get(0)).state())
        .isEqualTo(NonInviteServerTransaction.State.PROCEEDING);
    layer.onRequest(reg, source(TransportType.TCP)); // in Proceeding: the provisional again
    assertThat(transport.sent).hasSize(2);
    serverTxs.get(0).respond(response(reg, 200));
    assertThat(layer.serverTransactions()).isZero();
  }

  @Test
  @DisplayName(
      "INVITE server: 100 Trying after 200 ms, Timer G doubles to T2, ACK stops it, Timer I = T4")
  void inviteServerNon2xx() {
    SipRequest invite = request("INVITE", "z9hG4bK-inv1");
    layer.onRequest(invite, source(TransportType.UDP));
    timers.advance(199);
    assertThat(transport.sent).isEmpty();
    timers.advance(1);
    assertThat(status(transport.last())).isEqualTo(100);

    serverTxs.get(0).respond(response(invite, 486));
    long t0 = timers.now();
    timers.advance(8_000);
    // 486 at t0, then Timer G: +500, +1000, +2000, +4000 (capped at T2)
    assertThat(transport.sendTimes())
        .containsExactly(200L, t0, t0 + 500, t0 + 1500, t0 + 3500, t0 + 7500);
    SipRequest ack = request("ACK", "z9hG4bK-inv1");
    layer.onRequest(ack, source(TransportType.UDP));
    InviteServerTransaction tx = (InviteServerTransaction) serverTxs.get(0);
    assertThat(tx.state()).isEqualTo(InviteServerTransaction.State.CONFIRMED);
    int sends = transport.sent.size();
    timers.advance(4_999);
    assertThat(transport.sent).hasSize(sends); // no more retransmissions
    layer.onRequest(ack, source(TransportType.UDP)); // ACK retransmission absorbed
    assertThat(events).doesNotContain("stray-ack");
    timers.advance(1);
    assertThat(tx.state()).isEqualTo(InviteServerTransaction.State.TERMINATED);
    assertThat(layer.serverTransactions()).isZero();
  }

  @Test
  @DisplayName("INVITE server: Timer H ends the transaction when no ACK comes")
  void inviteServerTimerH() {
    SipRequest invite = request("INVITE", "z9hG4bK-inv2");
    layer.onRequest(invite, source(TransportType.UDP));
    serverTxs.get(0).respond(response(invite, 404));
    timers.advance(31_999);
    assertThat(events).isEmpty();
    timers.advance(1);
    assertThat(events).containsExactly("ack-timeout");
    assertThat(layer.serverTransactions()).isZero();
  }

  @Test
  @DisplayName(
      "INVITE server: a 2xx moves to Accepted (RFC 6026); INVITE retransmissions absorbed; Timer L")
  void inviteServer2xx() {
    SipRequest invite = request("INVITE", "z9hG4bK-inv3");
    layer.onRequest(invite, source(TransportType.UDP));
    serverTxs.get(0).respond(response(invite, 200));
    InviteServerTransaction tx = (InviteServerTransaction) serverTxs.get(0);
    assertThat(tx.state()).isEqualTo(InviteServerTransaction.State.ACCEPTED);
    layer.onRequest(invite, source(TransportType.UDP));
    assertThat(transport.sent).hasSize(1);
    tx.respond(response(invite, 200)); // TU retransmits its 2xx through the transaction
    assertThat(transport.sent).hasSize(2);
    timers.advance(32_000);
    assertThat(tx.state()).isEqualTo(InviteServerTransaction.State.TERMINATED);
    // the ACK of a 2xx belongs to the dialog, not to the transaction
    layer.onRequest(request("ACK", "z9hG4bK-other"), source(TransportType.UDP));
    assertThat(events).containsExactly("stray-ack");
  }

  @Test
  @DisplayName("CANCEL: 200 and 487 for a pending INVITE, 481 when nothing matches")
  void cancel() {
    SipRequest invite = request("INVITE", "z9hG4bK-inv4");
    layer.onRequest(invite, source(TransportType.UDP));
    layer.onRequest(request("CANCEL", "z9hG4bK-inv4"), source(TransportType.UDP));
    assertThat(events).containsExactly("cancel");
    assertThat(transport.sent).extracting(s -> status(s.message())).containsExactly(200, 487);
    assertThat(((SipResponse) transport.sent.get(0).message()).cseq().method()).isEqualTo("CANCEL");

    layer.onRequest(request("CANCEL", "z9hG4bK-nothing"), source(TransportType.UDP));
    assertThat(status(transport.last())).isEqualTo(481);
    assertThat(((SipResponse) transport.last()).to().tag()).isNotNull();
  }

  @Test
  @DisplayName(
      "RFC 2543 requests (no magic cookie) match by their fields; RFC 4475 3.2.1's bare cookie too")
  void rfc2543Matching() {
    SipRequest old = request("OPTIONS", null);
    layer.onRequest(old, source(TransportType.UDP));
    layer.onRequest(request("OPTIONS", null), source(TransportType.UDP));
    assertThat(received).hasSize(1);
    SipRequest bareCookie = request("OPTIONS", "z9hG4bK");
    layer.onRequest(bareCookie, source(TransportType.UDP));
    assertThat(received).hasSize(2);
    layer.onRequest(request("OPTIONS", "z9hG4bK"), source(TransportType.UDP));
    assertThat(received).hasSize(2);
  }

  @Test
  @DisplayName("a transport error while answering terminates the transaction and tells the TU")
  void serverTransportError() {
    SipRequest reg = request("REGISTER", "z9hG4bK-reg3");
    layer.onRequest(reg, source(TransportType.TCP));
    transport.failSends = true;
    serverTxs.get(0).respond(response(reg, 200));
    assertThat(events).containsExactly("transport-error");
    assertThat(layer.serverTransactions()).isZero();
  }

  // ---- client transactions ----

  private final List<String> clientEvents = new ArrayList<>();
  private final ClientTransaction.Listener listener =
      new ClientTransaction.Listener() {
        @Override
        public void onResponse(ClientTransaction tx, SipResponse response) {
          clientEvents.add("response " + response.status());
        }

        @Override
        public void onTimeout(ClientTransaction tx) {
          clientEvents.add("timeout");
        }

        @Override
        public void onTransportError(ClientTransaction tx, Throwable cause) {
          clientEvents.add("transport-error");
        }
      };

  private static Destination udp() {
    return Destination.of(TransportType.UDP, new InetSocketAddress("192.0.2.20", 5060));
  }

  @Test
  @DisplayName("non-INVITE client, UDP: Timer E 500, 1000, 2000, 4000, 4000...; Timer F at 64*T1")
  void nonInviteClientTimeout() {
    SipRequest options = request("OPTIONS", TransactionLayer.newBranch());
    layer.send(options, udp(), listener);
    timers.advance(40_000);
    assertThat(transport.sendTimes()).startsWith(0L, 500L, 1500L, 3500L, 7500L, 11500L);
    assertThat(transport.sendTimes()).last().isEqualTo(31500L);
    assertThat(clientEvents).containsExactly("timeout");
    assertThat(layer.clientTransactions()).isZero();
  }

  @Test
  @DisplayName(
      "non-INVITE client: a provisional makes Timer E T2; the final is reported once; Timer K")
  void nonInviteClientResponses() {
    SipRequest options = request("OPTIONS", TransactionLayer.newBranch());
    NonInviteClientTransaction tx =
        (NonInviteClientTransaction) layer.send(options, udp(), listener);
    layer.onResponse(response(options, 100), source(TransportType.UDP));
    timers.advance(4_000);
    assertThat(transport.sendTimes()).containsExactly(0L, 4000L);
    layer.onResponse(response(options, 200), source(TransportType.UDP));
    layer.onResponse(response(options, 200), source(TransportType.UDP));
    assertThat(clientEvents).containsExactly("response 100", "response 200");
    assertThat(tx.state()).isEqualTo(NonInviteClientTransaction.State.COMPLETED);
    timers.advance(5_000);
    assertThat(tx.state()).isEqualTo(NonInviteClientTransaction.State.TERMINATED);
  }

  @Test
  @DisplayName("non-INVITE client, TCP: no retransmissions")
  void nonInviteClientReliable() {
    layer.send(
        request("OPTIONS", TransactionLayer.newBranch()),
        Destination.of(TransportType.TCP, new InetSocketAddress("192.0.2.20", 5060)),
        listener);
    timers.advance(31_000);
    assertThat(transport.sent).hasSize(1);
    timers.advance(1_000);
    assertThat(clientEvents).containsExactly("timeout");
  }

  @Test
  @DisplayName(
      "INVITE client: Timer A doubles; a 486 is ACKed (again for each retransmission) and reported once")
  void inviteClientNon2xx() {
    SipRequest invite = request("INVITE", TransactionLayer.newBranch());
    layer.send(invite, udp(), listener);
    timers.advance(3_600);
    assertThat(transport.sendTimes()).containsExactly(0L, 500L, 1500L, 3500L);
    SipResponse busy =
        SipResponse.forRequest(invite, 486).set("To", "<sip:1001@example.com>;tag=callee").build();
    layer.onResponse(busy, source(TransportType.UDP));
    SipRequest ack = (SipRequest) transport.last();
    assertThat(ack.method()).isEqualTo("ACK");
    assertThat(ack.requestUri()).isEqualTo(invite.requestUri());
    assertThat(ack.cseq().number()).isEqualTo(invite.cseq().number());
    assertThat(ack.cseq().method()).isEqualTo("ACK");
    assertThat(ack.to().tag()).isEqualTo("callee");
    assertThat(ack.vias()).containsExactly(invite.topVia());
    layer.onResponse(busy, source(TransportType.UDP));
    assertThat(((SipRequest) transport.last()).method()).isEqualTo("ACK");
    assertThat(transport.sent).hasSize(6);
    assertThat(clientEvents).containsExactly("response 486");
    timers.advance(32_000);
    assertThat(layer.clientTransactions()).isZero();
  }

  @Test
  @DisplayName(
      "INVITE client: Timer B at 64*T1 without any response; 2xx retransmissions reach the TU")
  void inviteClientTimeoutAnd2xx() {
    layer.send(request("INVITE", TransactionLayer.newBranch()), udp(), listener);
    timers.advance(32_000);
    assertThat(clientEvents).containsExactly("timeout");

    clientEvents.clear();
    SipRequest invite = request("INVITE", TransactionLayer.newBranch());
    InviteClientTransaction tx = (InviteClientTransaction) layer.send(invite, udp(), listener);
    layer.onResponse(response(invite, 180), source(TransportType.UDP));
    layer.onResponse(response(invite, 200), source(TransportType.UDP));
    layer.onResponse(response(invite, 200), source(TransportType.UDP));
    assertThat(clientEvents).containsExactly("response 180", "response 200", "response 200");
    assertThat(tx.state()).isEqualTo(InviteClientTransaction.State.ACCEPTED);
    timers.advance(32_000);
    assertThat(tx.state()).isEqualTo(InviteClientTransaction.State.TERMINATED);
  }

  @Test
  @DisplayName("client transport error is reported and ends the transaction")
  void clientTransportError() {
    transport.failSends = true;
    layer.send(request("OPTIONS", TransactionLayer.newBranch()), udp(), listener);
    assertThat(clientEvents).containsExactly("transport-error");
    assertThat(layer.clientTransactions()).isZero();
  }

  @Test
  @DisplayName("a response matching no client transaction is counted and handed to the TU")
  void strayResponse() {
    layer.onResponse(
        response(request("OPTIONS", "z9hG4bK-unknown"), 200), source(TransportType.UDP));
    assertThat(layer.clientTransactions()).isZero();
  }

  @Test
  @DisplayName("inv2543 (RFC 4475 3.4.1) gets its own transaction and its ACK matches it")
  void inv2543Transaction() throws IOException {
    SipRequest invite;
    try (InputStream in = getClass().getResourceAsStream("/torture/rfc4475/inv2543.dat")) {
      if (in == null) {
        throw new UncheckedIOException(new IOException("missing resource"));
      }
      invite = (SipRequest) PARSER.parse(in.readAllBytes());
    }
    layer.onRequest(invite, source(TransportType.UDP));
    serverTxs.get(0).respond(SipResponse.forRequest(invite, 405).build());
    String ack =
        """
        ACK sip:UserB@example.com SIP/2.0\r
        Via: SIP/2.0/UDP iftgw.example.com\r
        From: <sip:+13035551111@ift.client.example.net;user=phone>\r
        To: sip:+16505552222@ss1.example.net;user=phone;tag=x\r
        Call-ID: inv2543.1717@ift.client.example.com\r
        CSeq: 56 ACK\r
        Content-Length: 0\r
        \r
        """;
    layer.onRequest(
        (SipRequest) PARSER.parse(ack.getBytes(StandardCharsets.US_ASCII)),
        source(TransportType.UDP));
    assertThat(((InviteServerTransaction) serverTxs.get(0)).state())
        .isEqualTo(InviteServerTransaction.State.CONFIRMED);
  }
}
