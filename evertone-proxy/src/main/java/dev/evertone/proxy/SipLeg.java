package dev.evertone.proxy;

import dev.evertone.media.EndpointLeg;
import dev.evertone.media.EndpointListener;
import dev.evertone.media.audio.AudioClip;
import dev.evertone.media.audio.G711;
import dev.evertone.sdp.Attribute;
import dev.evertone.sdp.Codec;
import dev.evertone.sdp.Connection;
import dev.evertone.sdp.Direction;
import dev.evertone.sdp.LocalCapabilities;
import dev.evertone.sdp.MediaCapability;
import dev.evertone.sdp.MediaDescription;
import dev.evertone.sdp.OfferAnswer;
import dev.evertone.sdp.Origin;
import dev.evertone.sdp.SdpException;
import dev.evertone.sdp.SdpParser;
import dev.evertone.sdp.SdpSerializer;
import dev.evertone.sdp.SessionDescription;
import dev.evertone.sip.header.Address;
import dev.evertone.sip.header.HeaderName;
import dev.evertone.sip.message.Method;
import dev.evertone.sip.message.SipMessage;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import dev.evertone.sip.message.StatusCode;
import dev.evertone.sip.transaction.ServerTransaction;
import dev.evertone.sip.transaction.TimerService;
import dev.evertone.sip.transport.Source;
import dev.evertone.sip.uri.SipUri;
import dev.evertone.sip.uri.Uri;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One party's call with evertone itself, evertone as the user agent server (RFC 3261 12, 13): its
 * dialog (Call-ID, tags, route set, remote target, CSeqs) and its media ({@link EndpointLeg}). The
 * leg operations features are built from: {@link #answer}, {@link #reject}, {@link #play}, key
 * presses through the {@link LegListener}, {@link #hangUp}. Conferences use it now; voicemail, IVR
 * and park next.
 *
 * <p>Inside the dialog it answers as RFC 3261 says a UAS does: a re-INVITE or UPDATE with a new
 * offer (hold, another address) gets an answer and moves the media (RFC 3264 8); BYE ends the leg
 * (15.1.2); INFO with a key (application/dtmf-relay) is a key press; OPTIONS is answered (11); a
 * CSeq lower than the last is refused (12.2.2). Its 2xx to an INVITE is sent again until the ACK
 * arrives, and a 2xx never acknowledged ends the leg with a BYE (13.3.1.4). Thread-safe; the
 * listener is never called with the leg's lock held.
 */
public final class SipLeg {
  private static final Logger log = LoggerFactory.getLogger(SipLeg.class);

  /** What a leg accepts inside its dialog. */
  static final String ALLOW = "ACK, BYE, CANCEL, INFO, INVITE, OPTIONS, UPDATE";

  /**
   * What evertone decodes and sends: G.711 both laws and RFC 4733 events (the offerer's payload
   * type numbers are used in the answer, RFC 3264 6.1).
   */
  private static final List<Codec> CODECS =
      List.of(
          Codec.of(0, "PCMU", 8000, 1),
          Codec.of(8, "PCMA", 8000, 1),
          Codec.of(101, "telephone-event", 8000, 1).withFmtp("0-16"));

  /** Where a leg is. */
  public enum State {
    /** The INVITE arrived; not answered yet. */
    OFFERED,
    /** Answered (200 sent), the ACK not yet here. */
    ANSWERED,
    /** The ACK arrived: the call is up. */
    CONFIRMED,
    /** Hung up, refused or cancelled: its media is closed. */
    ENDED
  }

  private final UserAgent agent;
  private final ServerTransaction invite;
  private final String callId;
  private final String localTag;
  private final String domain;
  private final String number;
  private final String caller;
  private final @Nullable String referredBy;
  // the INVITE's To and From as written: the From and To of evertone's requests (12.2.1.1)
  private final String localAddress;
  private final String remoteAddress;
  // 12.1.1: the Record-Route of the INVITE, in order
  private final List<String> routeSet;
  private final Source source;
  private final String sessionId = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40));

  // guarded by this
  private State state = State.OFFERED;
  private Uri remoteTarget;
  private long remoteCseq;
  private long localCseq = 1;
  private @Nullable SessionDescription offer;
  private @Nullable SessionDescription answer;
  private @Nullable EndpointLeg media;
  private LegListener listener = new LegListener() {};
  // the 2xx to an INVITE sent again until its ACK (13.3.1.4)
  private @Nullable ServerTransaction unacknowledged;
  private @Nullable SipResponse unacknowledgedOk;
  private long unacknowledgedCseq;
  private long okInterval;
  private long okSince;
  private TimerService.Timer okTimer = TimerService.Timer.NONE;
  private boolean ended;

  SipLeg(
      UserAgent agent,
      ServerTransaction invite,
      String domain,
      String number,
      @Nullable SessionDescription offer) {
    SipRequest r = invite.request();
    this.agent = agent;
    this.invite = invite;
    this.callId = r.callId();
    this.localTag = dev.evertone.sip.transaction.TransactionLayer.newTag();
    this.domain = domain;
    this.number = number;
    this.caller = r.from().uri() instanceof SipUri u ? u.aorKey() : r.from().uri().toString();
    this.referredBy = referrer(r);
    this.localAddress = String.valueOf(r.header(HeaderName.TO));
    this.remoteAddress = String.valueOf(r.header(HeaderName.FROM));
    this.routeSet = List.copyOf(r.headerValues(HeaderName.RECORD_ROUTE));
    this.source = invite.source();
    this.remoteTarget = targetOf(r);
    this.remoteCseq = r.cseq().number();
    this.offer = offer;
  }

  private static Uri targetOf(SipRequest r) {
    List<Address> contacts = r.contacts();
    return contacts.isEmpty() ? r.from().uri() : contacts.get(0).uri();
  }

  /** The dialog's Call-ID. */
  public String callId() {
    return callId;
  }

  /** evertone's tag in the dialog: with the Call-ID, what names the leg. */
  public String localTag() {
    return localTag;
  }

  /** Who called: the address-of-record of the From header, e.g. {@code 1001@example.com}. */
  public String caller() {
    return caller;
  }

  /**
   * Who transferred the caller here: the address-of-record of the INVITE's Referred-By (RFC 3892),
   * which a phone copies from the REFER that sent it (RFC 3515 2.4.2), or null when it has none.
   */
  public @Nullable String referredBy() {
    return referredBy;
  }

  private static @Nullable String referrer(SipRequest r) {
    String value = r.header("Referred-By");
    if (value == null) {
      return null;
    }
    try {
      Uri uri = Address.parse(value.strip()).uri();
      return uri instanceof SipUri u ? u.aorKey() : uri.toString();
    } catch (dev.evertone.sip.syntax.SipParseException e) {
      return null; // a malformed Referred-By is ignored, as an absent one
    }
  }

  /** The domain of the number called, lower case. */
  public String domain() {
    return domain;
  }

  /** The number called (the Request-URI's user). */
  public String number() {
    return number;
  }

  /** Where the party's SIP came from. */
  public InetSocketAddress source() {
    return source.remote();
  }

  public synchronized State state() {
    return state;
  }

  /** Its media once answered, else null. */
  public synchronized @Nullable EndpointLeg media() {
    return media;
  }

  /** 180 Ringing (RFC 3261 13.3.1.1), while the feature gets ready to answer. */
  public void ringing() {
    synchronized (this) {
      if (state != State.OFFERED) {
        return;
      }
    }
    invite.respond(tagged(SipResponse.forRequest(invite.request(), StatusCode.RINGING)).build());
  }

  /**
   * Answers with 200 and an SDP answer (RFC 3264 6) on {@code endpoint}'s port: G.711 µ-law or
   * A-law, whichever the party offered first, and telephone-events if offered. When nothing in the
   * offer can be answered (no G.711, no audio, an address that is a name) the call is refused with
   * 488 instead and {@code endpoint} is closed.
   *
   * @return whether the leg is answered
   */
  public boolean answer(EndpointLeg endpoint, LegListener events) {
    SessionDescription sdp;
    SessionDescription offered;
    String problem = null;
    synchronized (this) {
      offered = offer;
      if (state != State.OFFERED) {
        sdp = null;
        problem = "the call is " + state;
      } else if (offer == null) {
        sdp = null;
        problem = "no SDP offer in the INVITE (an offer in the 2xx is not supported yet)";
      } else {
        sdp = answerTo(offer, endpoint);
        if (sdp == null) {
          problem = "no G.711 audio stream in the offer that evertone can answer";
        }
      }
      if (sdp != null) {
        listener = events;
        media = endpoint;
        answer = sdp;
        state = State.ANSWERED;
      }
    }
    if (sdp == null || offered == null) {
      endpoint.close();
      log.info("call {} to {}@{} refused: {}", callId, number, domain, problem);
      if (state() == State.OFFERED) {
        reject(488, "Not Acceptable Here (" + problem + ")");
      }
      return false;
    }
    endpoint.listen(
        new EndpointListener() {
          @Override
          public void dtmf(EndpointLeg leg, char digit) {
            tell(l -> l.dtmf(SipLeg.this, digit));
          }

          @Override
          public void playEnded(EndpointLeg leg) {
            tell(l -> l.playEnded(SipLeg.this));
          }
        });
    follow(offered, endpoint, sdp);
    SipResponse ok =
        withSdp(tagged(SipResponse.forRequest(invite.request(), StatusCode.OK)), sdp).build();
    agent.stack().records().answered(invite.request());
    sendOk(invite, ok);
    return true;
  }

  /** Refuses the call with {@code status} (3xx-6xx) and {@code reason}. */
  public void reject(int status, String reason) {
    if (status < 300) {
      throw new IllegalArgumentException("a refusal is 3xx-6xx, not " + status);
    }
    synchronized (this) {
      if (state != State.OFFERED) {
        return;
      }
      state = State.ENDED;
    }
    agent.forget(this);
    agent.stack().respond(invite, SipResponse.forRequest(invite.request(), status).reason(reason));
  }

  /** Plays {@code clip} to the party (see {@link EndpointLeg#play}); false before the answer. */
  public boolean play(AudioClip clip, boolean repeat) {
    EndpointLeg m = media();
    return m != null && m.play(clip, repeat);
  }

  /** Stops what {@link #play} started. */
  public void stopPlaying() {
    EndpointLeg m = media();
    if (m != null) {
      m.stopPlaying();
    }
  }

  /**
   * evertone hangs up: a BYE within the dialog (15.1.1) with its route set, to its remote target,
   * with the next CSeq; before the answer, the call is refused with 480 instead. The media closes
   * at once; the BYE's response is not waited for.
   */
  public void hangUp() {
    SipRequest bye;
    synchronized (this) {
      if (state == State.ENDED) {
        return;
      }
      if (state == State.OFFERED) {
        bye = null;
      } else {
        bye = agent.bye(this, remoteTarget, ++localCseq);
      }
    }
    if (bye == null) {
      reject(StatusCode.TEMPORARILY_UNAVAILABLE, "Temporarily Unavailable");
      end(false);
      return;
    }
    agent.stack().records().bye(bye);
    agent.send(this, bye);
    end(false);
  }

  String localAddress() {
    return localAddress;
  }

  String remoteAddress() {
    return remoteAddress;
  }

  List<String> routeSet() {
    return routeSet;
  }

  Source sourceFlow() {
    return source;
  }

  /** The caller cancelled (9.2): 487 if not answered yet. */
  void cancelled() {
    synchronized (this) {
      if (state != State.OFFERED) {
        return;
      }
      state = State.ENDED;
    }
    agent
        .stack()
        .respond(invite, SipResponse.forRequest(invite.request(), StatusCode.REQUEST_TERMINATED));
    end(true);
  }

  /** The ACK of a 2xx (13.3.1.4): no more retransmissions; an answer in it is applied. */
  void acknowledged(SipRequest ack) {
    boolean first;
    SessionDescription late = sdp(ack);
    synchronized (this) {
      // 13.3.1.4: the ACK of the 2xx sent last (same CSeq number) stops its retransmissions
      if (unacknowledged == null || ack.cseq().number() != unacknowledgedCseq) {
        return;
      }
      unacknowledged = null;
      unacknowledgedOk = null;
      okTimer.cancel();
      first = state == State.ANSWERED;
      if (first) {
        state = State.CONFIRMED;
      }
    }
    if (late != null) {
      EndpointLeg m = media();
      if (m != null) {
        follow(late, m);
      }
    }
    if (first) {
      tell(l -> l.answered(this));
    }
  }

  /** A request inside the dialog (12.2.2). */
  void inDialog(ServerTransaction tx) {
    SipRequest r = tx.request();
    synchronized (this) {
      if (state == State.ENDED) {
        agent.respond(tx, SipResponse.forRequest(r, StatusCode.CALL_DOES_NOT_EXIST));
        return;
      }
      if (r.cseq().number() <= remoteCseq) {
        agent.respond(
            tx,
            SipResponse.forRequest(r, StatusCode.SERVER_INTERNAL_ERROR)
                .reason("Server Internal Error (CSeq lower than the last)"));
        return;
      }
      remoteCseq = r.cseq().number();
      if (r.isMethod(Method.INVITE) && !r.contacts().isEmpty()) {
        remoteTarget = r.contacts().get(0).uri(); // 12.2.2: a target refresh
      }
    }
    switch (r.method()) {
      case Method.BYE -> {
        agent.stack().records().bye(r);
        agent.respond(tx, SipResponse.forRequest(r, StatusCode.OK));
        end(true);
      }
      case Method.INVITE, Method.UPDATE -> offerAgain(tx);
      case Method.INFO -> {
        char digit = digitIn(r);
        agent.respond(tx, SipResponse.forRequest(r, StatusCode.OK));
        if (digit != 0) {
          tell(l -> l.dtmf(this, digit));
        }
      }
      case Method.OPTIONS ->
          agent.respond(
              tx,
              SipResponse.forRequest(r, StatusCode.OK)
                  .add(HeaderName.ALLOW, ALLOW)
                  .add(HeaderName.ACCEPT, "application/sdp"));
      default ->
          agent.respond(
              tx,
              SipResponse.forRequest(r, StatusCode.METHOD_NOT_ALLOWED)
                  .add(HeaderName.ALLOW, ALLOW));
    }
  }

  /**
   * A re-INVITE or UPDATE (RFC 3311): with an offer, the answer moves the media (hold, a new
   * address or codec, RFC 3264 8); without one, a re-INVITE gets the current description as the
   * offer and its ACK the answer.
   */
  private void offerAgain(ServerTransaction tx) {
    SipRequest r = tx.request();
    boolean reInvite = r.isMethod(Method.INVITE);
    SessionDescription newOffer = sdp(r);
    @Nullable SessionDescription sdp;
    EndpointLeg m;
    synchronized (this) {
      m = media;
      if (reInvite && unacknowledged != null) {
        // 14.2: an INVITE while the last one's 2xx waits for its ACK
        agent.respond(
            tx,
            SipResponse.forRequest(r, StatusCode.SERVER_INTERNAL_ERROR)
                .add(HeaderName.RETRY_AFTER, "1"));
        return;
      }
      if (m == null || (r.bodyLength() > 0 && newOffer == null)) {
        agent.respond(
            tx, SipResponse.forRequest(r, 488).reason("Not Acceptable Here (SDP not understood)"));
        return;
      }
      if (newOffer == null) {
        sdp = answer; // no offer: ours again, as an offer
      } else {
        sdp = answerTo(newOffer, m);
        if (sdp == null) {
          agent.respond(
              tx,
              SipResponse.forRequest(r, 488)
                  .reason("Not Acceptable Here (no G.711 audio to answer)"));
          return;
        }
        offer = newOffer;
        answer = sdp;
      }
    }
    if (newOffer != null && sdp != null) {
      follow(newOffer, m, sdp);
    }
    SipResponse.Builder ok = SipResponse.forRequest(r, StatusCode.OK);
    SipResponse response =
        (reInvite || newOffer != null) && sdp != null
            ? withSdp(ok, sdp).build()
            : agent.contact(this, ok).build();
    if (reInvite) {
      sendOk(tx, response);
    } else {
      agent.respond(tx, response.toBuilder());
    }
  }

  /** The answer to {@code sd} on {@code endpoint}'s port, or null if no stream can be answered. */
  private @Nullable SessionDescription answerTo(SessionDescription sd, EndpointLeg endpoint) {
    InetSocketAddress local = endpoint.localRtp();
    String ip = local.getAddress().getHostAddress();
    LocalCapabilities caps =
        LocalCapabilities.of(
            Origin.of("evertone", sessionId, 1, ip),
            Connection.of(ip),
            List.of(
                MediaCapability.audio(local.getPort(), CODECS)
                    .withAttributes(List.of(Attribute.of("ptime", "20")))));
    SessionDescription a = OfferAnswer.answer(sd, caps, answer);
    int i = audioIndex(a);
    if (i < 0 || remoteRtp(sd, sd.media().get(i)) == null) {
      return null;
    }
    return a;
  }

  /** The media follows the offer {@code sd} as answered by the leg's current answer. */
  private void follow(SessionDescription sd, EndpointLeg endpoint) {
    SessionDescription a;
    synchronized (this) {
      a = answer;
    }
    if (a != null) {
      follow(sd, endpoint, a);
    }
  }

  private void follow(SessionDescription remote, EndpointLeg endpoint, SessionDescription local) {
    int i = audioIndex(local);
    if (i < 0 || i >= remote.media().size()) {
      return;
    }
    MediaDescription theirs = remote.media().get(i);
    MediaDescription ours = local.media().get(i);
    InetSocketAddress rtp = remoteRtp(remote, theirs);
    if (rtp == null) {
      return;
    }
    endpoint.remote(rtp, source.remote().getAddress());
    int events = -1;
    G711 law = null;
    int lawType = -1;
    for (Codec c : ours.codecs()) {
      if (c.isTelephoneEvent()) {
        events = c.payloadType();
      } else if (law == null && G711.named(c.encoding()) != null) {
        law = G711.named(c.encoding());
        lawType = c.payloadType();
      }
    }
    if (law != null) {
      endpoint.sends(law, lawType);
    }
    endpoint.telephoneEvent(events);
    Direction d = local.direction(ours);
    endpoint.direction(d.sends(), d.receives());
  }

  /** The first audio stream of an answer that is not rejected and carries G.711; -1: none. */
  private static int audioIndex(SessionDescription a) {
    for (int i = 0; i < a.media().size(); i++) {
      MediaDescription m = a.media().get(i);
      if (m.media().equalsIgnoreCase("audio")
          && !m.isRejected()
          && m.codecs().stream().anyMatch(c -> G711.named(c.encoding()) != null)) {
        return i;
      }
    }
    return -1;
  }

  /** Where the party receives stream {@code m}: an IP address literal and port, never a name. */
  private static @Nullable InetSocketAddress remoteRtp(SessionDescription sd, MediaDescription m) {
    Connection c = sd.connection(m);
    if (c == null) {
      return null;
    }
    InetAddress ip = UserAgent.literal(c.address());
    return ip == null ? null : new InetSocketAddress(ip, m.port());
  }

  /** Sends a 2xx to an INVITE and again until its ACK, T1 doubling up to T2 (13.3.1.4). */
  private void sendOk(ServerTransaction tx, SipResponse ok) {
    synchronized (this) {
      okTimer.cancel();
      unacknowledged = tx;
      unacknowledgedOk = ok;
      unacknowledgedCseq = ok.cseq().number();
      okInterval = agent.t1();
      okSince = agent.now();
      if (!tx.source().transport().isReliable()) {
        okTimer = agent.schedule(okInterval, this::sendOkAgain);
      } else {
        // over TCP the 2xx is not sent again, yet an ACK that never comes still ends the leg
        okTimer = agent.schedule(64 * agent.t1(), this::sendOkAgain);
      }
    }
    tx.respond(ok);
  }

  private void sendOkAgain() {
    ServerTransaction tx;
    SipResponse ok;
    boolean giveUp;
    synchronized (this) {
      tx = unacknowledged;
      ok = unacknowledgedOk;
      if (tx == null || ok == null || state == State.ENDED) {
        return;
      }
      giveUp = agent.now() - okSince >= 64 * agent.t1();
      if (!giveUp) {
        okInterval = Math.min(2 * okInterval, agent.t2());
        okTimer = agent.schedule(okInterval, this::sendOkAgain);
      } else {
        unacknowledged = null;
        unacknowledgedOk = null;
      }
    }
    if (giveUp) {
      log.info("call {}: no ACK for the 2xx within 64*T1; hung up (RFC 3261 13.3.1.4)", callId);
      hangUp();
    } else {
      tx.respond(ok);
    }
  }

  /** Ends the leg: no more retransmissions, the media closed, the listener told once. */
  private void end(boolean byParty) {
    EndpointLeg m;
    synchronized (this) {
      state = State.ENDED;
      okTimer.cancel();
      unacknowledged = null;
      unacknowledgedOk = null;
      if (ended) {
        return;
      }
      ended = true;
      m = media;
      media = null;
    }
    agent.forget(this);
    if (m != null) {
      m.close();
    }
    tell(l -> l.hungUp(this, byParty));
  }

  private void tell(java.util.function.Consumer<LegListener> event) {
    LegListener l;
    synchronized (this) {
      l = listener;
    }
    try {
      event.accept(l);
    } catch (RuntimeException e) {
      log.warn("a leg listener failed for call {}", callId, e);
    }
  }

  private SipResponse.Builder tagged(SipResponse.Builder b) {
    return b.withToTag(localTag).add(HeaderName.SERVER, agent.stack().settings().serverHeader());
  }

  private SipResponse.Builder withSdp(SipResponse.Builder b, SessionDescription sdp) {
    return agent
        .contact(this, b)
        .add(HeaderName.ALLOW, ALLOW)
        .body("application/sdp", SdpSerializer.toBytes(sdp));
  }

  private static @Nullable SessionDescription sdp(SipMessage m) {
    String type = m.contentType();
    if (type == null
        || !type.toLowerCase(Locale.ROOT).startsWith("application/sdp")
        || m.bodyLength() == 0) {
      return null;
    }
    try {
      return new SdpParser().parse(m.body());
    } catch (SdpException e) {
      return null;
    }
  }

  /**
   * The key an INFO tells: {@code application/dtmf-relay} ({@code Signal=5}) or {@code
   * application/dtmf} (the digit alone); 0 for anything else.
   */
  static char digitIn(SipRequest info) {
    String type = info.contentType();
    if (type == null) {
      return 0;
    }
    String body = new String(info.body(), StandardCharsets.US_ASCII).strip();
    String t = type.toLowerCase(Locale.ROOT);
    String signal = null;
    if (t.startsWith("application/dtmf-relay")) {
      for (String line : body.split("\\R", -1)) {
        int eq = line.indexOf('=');
        if (eq > 0 && line.substring(0, eq).strip().equalsIgnoreCase("signal")) {
          signal = line.substring(eq + 1).strip();
        }
      }
    } else if (t.startsWith("application/dtmf")) {
      signal = body;
    }
    if (signal != null && signal.length() == 1 && "0123456789*#ABCDabcd".contains(signal)) {
      return signal.toUpperCase(Locale.ROOT).charAt(0);
    }
    return 0;
  }

  @Override
  public String toString() {
    return "leg " + callId + " (" + caller + " to " + number + "@" + domain + ")";
  }
}
