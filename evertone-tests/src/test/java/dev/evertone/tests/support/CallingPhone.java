package dev.evertone.tests.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A UDP phone written out message by message, for the call tests: it dials (INVITE, 407, ACK,
 * INVITE with credentials), acknowledges and cancels as RFC 3261 says; and what any device or
 * carrier does with what it receives (answer with Record-Route echoed, wait for a request or a
 * response).
 */
public final class CallingPhone {
  private static final AtomicInteger CALLS = new AtomicInteger();

  public final UdpClient udp;
  private final String user;
  private final String password;
  private final String domain;

  public CallingPhone(UdpClient udp, String user, String password, String domain) {
    this.udp = udp;
    this.user = user;
    this.password = password;
    this.domain = domain;
  }

  /** One call's identifiers, as the calling phone keeps them. */
  public static final class Call {
    public final String callId = "call-" + CALLS.incrementAndGet() + "-" + System.nanoTime();
    public final String target;
    public String branch = "";
    public int cseq = 1;

    Call(String target) {
      this.target = target;
    }
  }

  /** The INVITE; its Contact is a private address, as a phone behind NAT writes it. */
  private String invite(Call c, String extra) {
    return "INVITE "
        + c.target
        + " SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.99:5060;branch="
        + c.branch
        + ";rport\r\nMax-Forwards: 70\r\n"
        + "From: \"Reception\" <sip:"
        + user
        + "@"
        + domain
        + ">;tag=caller"
        + c.callId
        + "\r\nTo: <"
        + c.target
        + ">\r\nCall-ID: "
        + c.callId
        + "\r\nCSeq: "
        + c.cseq
        + " INVITE\r\nContact: <sip:"
        + user
        + "@10.0.0.99:5060>\r\n"
        + extra
        + "Content-Type: application/sdp\r\nContent-Length: 0\r\n\r\n";
  }

  /** INVITE, 407, ACK, INVITE with credentials: returns when the authenticated INVITE is sent. */
  public Call dial(String target) throws IOException {
    Call c = new Call(target);
    c.branch = "z9hG4bK" + System.nanoTime();
    String challenge = udp.exchange(invite(c, ""));
    assertThat(challenge).startsWith("SIP/2.0 407 ");
    udp.send(ack(c, toOf(challenge), target, List.of()));
    c.cseq++;
    c.branch = "z9hG4bK" + System.nanoTime();
    String auth = DigestRegister.answer(challenge, "INVITE", target, user, domain, password);
    udp.send(invite(c, "Proxy-Authorization: " + auth + "\r\n"));
    return c;
  }

  /** An ACK in the caller's transaction or dialog: {@code routes} is the dialog's route set. */
  public String ack(Call c, String to, String uri, List<String> routes) {
    StringBuilder r =
        new StringBuilder(
            "ACK "
                + uri
                + " SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.99:5060;branch="
                + c.branch
                + ";rport\r\n");
    routes.forEach(x -> r.append("Route: ").append(x).append("\r\n"));
    return r
        + "Max-Forwards: 70\r\nFrom: \"Reception\" <sip:"
        + user
        + "@"
        + domain
        + ">;tag=caller"
        + c.callId
        + "\r\nTo: "
        + to
        + "\r\nCall-ID: "
        + c.callId
        + "\r\nCSeq: "
        + c.cseq
        + " ACK\r\nContent-Length: 0\r\n\r\n";
  }

  /** The CANCEL of the INVITE (RFC 3261 9.1: same branch, same CSeq number). */
  public String cancel(Call c) {
    return "CANCEL "
        + c.target
        + " SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.99:5060;branch="
        + c.branch
        + ";rport\r\nMax-Forwards: 70\r\n"
        + "From: \"Reception\" <sip:"
        + user
        + "@"
        + domain
        + ">;tag=caller"
        + c.callId
        + "\r\nTo: <"
        + c.target
        + ">\r\nCall-ID: "
        + c.callId
        + "\r\nCSeq: "
        + c.cseq
        + " CANCEL\r\nContent-Length: 0\r\n\r\n";
  }

  /**
   * A response of a called device or carrier: {@link DeviceAnswers}, with the Record-Route echoed
   * and a Contact (RFC 3261 12.1.1).
   */
  public static String answer(String request, String status, UdpClient phone) {
    String base = DeviceAnswers.answer(request, status);
    StringBuilder extra = new StringBuilder();
    headers(request, "Record-Route")
        .forEach(rr -> extra.append("Record-Route: ").append(rr).append("\r\n"));
    extra.append("Contact: <sip:phone@127.0.0.1:").append(phone.port()).append(">\r\n");
    return base.replace("Content-Length: 0\r\n", extra + "Content-Length: 0\r\n");
  }

  /** The values of a header of a message's head, list elements split. */
  public static List<String> headers(String message, String name) {
    List<String> out = new ArrayList<>();
    Matcher m =
        Pattern.compile("(?md)^" + name + ": ([^\r]*)\r$")
            .matcher(message.substring(0, message.indexOf("\r\n\r\n") + 2));
    while (m.find()) {
      for (String v : m.group(1).split(",\\s*(?=<)", -1)) {
        out.add(v);
      }
    }
    return out;
  }

  public static String toOf(String message) {
    return headers(message, "To").get(0);
  }

  /**
   * The next request of {@code method} that {@code phone} receives (a retransmission of something
   * else is skipped).
   */
  public static String next(UdpClient phone, String method) throws IOException {
    for (int i = 0; i < 10; i++) {
      String m = phone.receive(8000);
      assertThat(m).as("a %s should arrive", method).isNotNull();
      if (m.startsWith(method + " ")) {
        return m;
      }
    }
    throw new AssertionError("no " + method + " arrived");
  }

  /** The next response with {@code status} that {@code phone} receives. */
  public static String nextResponse(UdpClient phone, int status) throws IOException {
    for (int i = 0; i < 10; i++) {
      String m = phone.receive(8000);
      assertThat(m).as("a %d should arrive", status).isNotNull();
      if (m.startsWith("SIP/2.0 " + status + " ")) {
        return m;
      }
    }
    throw new AssertionError("no " + status + " arrived");
  }
}
