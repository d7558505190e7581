package dev.evertone.proxy;

import dev.evertone.media.MediaConfig;
import dev.evertone.media.MediaException;
import dev.evertone.media.MediaListener;
import dev.evertone.media.MediaRelay;
import dev.evertone.media.RelayLeg;
import dev.evertone.media.RelaySession;
import dev.evertone.media.SessionStats;
import dev.evertone.media.audio.AudioClip;
import dev.evertone.media.audio.G711;
import dev.evertone.sdp.Connection;
import dev.evertone.sdp.Direction;
import dev.evertone.sdp.MediaDescription;
import dev.evertone.sdp.Rtcp;
import dev.evertone.sdp.RtpMap;
import dev.evertone.sdp.SdpException;
import dev.evertone.sdp.SdpParser;
import dev.evertone.sdp.SdpSerializer;
import dev.evertone.sdp.SessionDescription;
import dev.evertone.sip.RateLimitedLog;
import dev.evertone.sip.message.Method;
import dev.evertone.sip.message.SipMessage;
import dev.evertone.sip.message.SipRequest;
import dev.evertone.sip.message.SipResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls whose audio passes through evertone (media anchoring, as Kamailio does with rtpengine): the
 * SDP of every offer and answer the proxy forwards is rewritten so that each party sends its audio
 * to a relay port of evertone, which forwards it to the other party without decoding. The proxy
 * stays a proxy: the dialog, its tags and its CSeqs are the parties' own; only the bodies change.
 *
 * <p>A call is one relay session, found by its Call-ID: leg a faces the caller (whose From tag
 * opened the dialog), leg b the callee. An SDP body from one party tells its leg where that party
 * receives (and re-opens latching when it changes, RFC 3264 8.3.1); the party receiving the body is
 * told to send to its own leg. The first audio stream is anchored; other streams (video) keep their
 * addresses. ICE attributes of the anchored stream are removed: its candidates name the phone, and
 * the relay is the only address the other party must use.
 */
public final class MediaAnchor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MediaAnchor.class);
  private static final RateLimitedLog warnings = new RateLimitedLog(log, 10);
  private static final Set<String> ICE =
      Set.of(
          "candidate",
          "remote-candidates",
          "end-of-candidates",
          "ice-ufrag",
          "ice-pwd",
          "ice-options",
          "ice-lite",
          "ice-mismatch");

  /** Keys kept per side of a call: a flood of events must not grow memory. */
  static final int MAX_DIGITS = 64;

  private final @Nullable MediaRelay relay;
  private final SdpParser parser = new SdpParser();
  private final Map<String, Anchored> calls = new ConcurrentHashMap<>();
  private final @Nullable Counter unanchored;
  private final @Nullable AudioClip musicOnHold;
  private final @Nullable Counter holds;

  /**
   * One anchored call: its relay session, the caller's From tag, the stream anchored, and the keys
   * each side pressed.
   */
  private static final class Anchored {
    final RelaySession session;
    final String callerTag;
    final int stream;
    // the To tag of the callee whose 2xx was taken: another fork's later 2xx (which the caller
    // ACKs and hangs up, RFC 3261 13.2.2.4) must not move leg b or end the session
    volatile @Nullable String calleeTag;
    // whether each party hears music because the other put it on hold (a: the caller)
    volatile boolean callerHeld;
    volatile boolean calleeHeld;
    // the holder offered inactive; the held party was offered sendonly to hear the music, and its
    // recvonly answer goes back as inactive (RFC 3264 6.1: the answer to an inactive stream)
    volatile boolean answerInactive;
    // written on a media thread, read on others
    private final StringBuilder callerDigits = new StringBuilder();
    private final StringBuilder calleeDigits = new StringBuilder();

    synchronized void pressed(boolean caller, char digit) {
      StringBuilder digits = caller ? callerDigits : calleeDigits;
      if (digits.length() >= MAX_DIGITS) {
        digits.deleteCharAt(0); // the latest keys are what an IVR or a dialer reads
      }
      digits.append(digit);
    }

    synchronized String digits(boolean caller) {
      return (caller ? callerDigits : calleeDigits).toString();
    }

    Anchored(RelaySession session, String callerTag, int stream) {
      this.session = session;
      this.callerTag = callerTag;
      this.stream = stream;
    }
  }

  private MediaAnchor(
      @Nullable MediaRelay relay, @Nullable MeterRegistry meters, @Nullable AudioClip musicOnHold) {
    this.relay = relay;
    this.musicOnHold = musicOnHold;
    this.holds =
        meters == null
            ? null
            : Counter.builder("evertone.media.holds")
                .description("anchored calls put on hold: the held party was played music on hold")
                .register(meters);
    this.unanchored =
        meters == null
            ? null
            : Counter.builder("evertone.media.unanchored")
                .description(
                    "calls that should have been anchored but kept end-to-end media: no relay port,"
                        + " or an SDP body the relay could not follow")
                .register(meters);
  }

  /** Media stays end to end: the bodies pass unchanged (evertone's behaviour without anchoring). */
  public static MediaAnchor direct() {
    return new MediaAnchor(null, null, null);
  }

  /**
   * Every call's audio through a relay started with {@code config}; a party put on hold hears
   * {@code musicOnHold}, over and over.
   */
  public static MediaAnchor through(
      MediaConfig config, MeterRegistry meters, AudioClip musicOnHold) {
    Events events = new Events(config, meters);
    MediaAnchor anchor =
        new MediaAnchor(MediaRelay.start(config, meters, events), meters, musicOnHold);
    events.anchor = anchor;
    return anchor;
  }

  /** What the relay tells of calls: a silent one it ended, a key a party pressed. */
  private static final class Events implements MediaListener {
    private final MediaConfig config;
    private final Counter dtmf;
    volatile @Nullable MediaAnchor anchor;

    Events(MediaConfig config, MeterRegistry meters) {
      this.config = config;
      this.dtmf =
          Counter.builder("evertone.media.dtmf")
              .description("key presses (RFC 4733 telephone-events) in anchored calls")
              .register(meters);
    }

    @Override
    public void mediaTimedOut(RelaySession session) {
      // neither party sent a packet for media.timeout: a phone that vanished
      MediaAnchor a = anchor;
      if (a != null) {
        a.calls.remove(session.callId());
      }
      log.info(
          "call {}: no media for {}; relay ports freed", session.callId(), config.mediaTimeout());
    }

    @Override
    public void dtmf(RelaySession session, RelayLeg leg, char digit) {
      dtmf.increment();
      MediaAnchor a = anchor;
      Anchored call = a == null ? null : a.calls.get(session.callId());
      if (call != null) {
        boolean caller = leg == session.a();
        call.pressed(caller, digit);
        log.debug(
            "call {}: the {} pressed {}", session.callId(), caller ? "caller" : "callee", digit);
      }
    }
  }

  /** Whether calls are anchored. */
  public boolean anchors() {
    return relay != null;
  }

  /**
   * The keys the caller ({@code caller}) or the callee pressed in an anchored call so far, in order
   * (RFC 4733); empty for a call not anchored.
   */
  public String digits(String callId, boolean caller) {
    Anchored a = calls.get(callId);
    return a == null ? "" : a.digits(caller);
  }

  /** The relay session of an anchored call: its legs' ports and statistics. */
  public Optional<RelaySession> session(String callId) {
    Anchored a = calls.get(callId);
    return a == null ? Optional.empty() : Optional.of(a.session);
  }

  /** The relay's view of an anchored call: both legs' packets, loss, jitter and MOS. */
  public Optional<SessionStats> stats(String callId) {
    Anchored a = calls.get(callId);
    return a == null ? Optional.empty() : Optional.of(a.session.stats());
  }

  /**
   * A request on its way to its target: an offer or answer in its body rewritten; a BYE ends the
   * call's relay session. {@code from} is the address the request came from (its sender's audio may
   * come from there too: NAT), null when unknown.
   */
  SipRequest towardTarget(SipRequest request, @Nullable InetAddress from) {
    if (relay == null) {
      return request;
    }
    if (request.isMethod(Method.BYE)) {
      Anchored call = calls.get(request.callId());
      String callee = call == null ? null : call.calleeTag;
      if (callee == null
          || callee.equals(request.from().tag())
          || callee.equals(request.to().tag())) {
        end(request.callId()); // not the BYE of a second fork's dialog
      }
      return request;
    }
    if (request.isMethod(Method.INFO)) {
      keyPressedInInfo(request);
      return request;
    }
    SessionDescription sdp = sdp(request);
    if (sdp == null) {
      if (request.isMethod(Method.INVITE)
          && request.to().tag() == null
          && request.bodyLength() == 0
          && !calls.containsKey(request.callId())) {
        // an offer in the 2xx and its answer in the ACK (late offer): not followed yet
        notFollowed(request.callId(), "an INVITE without an offer");
      }
      return request;
    }
    Anchored call = calls.get(request.callId());
    String fromTag = request.from().tag();
    if (call == null) {
      if (!request.isMethod(Method.INVITE) || request.to().tag() != null || fromTag == null) {
        return request; // a call that started before anchoring (or elsewhere): left as it is
      }
      call = open(request.callId(), fromTag, sdp);
      if (call == null) {
        return request;
      }
    }
    boolean fromCaller = call.callerTag.equals(fromTag);
    // RFC 3264 / 3311: an INVITE or UPDATE with a body offers; an ACK (or PRACK) answers
    boolean offer = request.isMethod(Method.INVITE) || request.isMethod(Method.UPDATE);
    byte[] body = through(call, sdp, fromCaller, from, offer);
    return body == null ? request : request.toBuilder().body(contentType(request), body).build();
  }

  /**
   * A response on its way back to the sender of the request: its SDP rewritten. {@code from} is the
   * address it came from, null when unknown.
   */
  SipResponse towardSender(SipResponse response, @Nullable InetAddress from) {
    Anchored call = relay == null ? null : calls.get(response.callId());
    if (call == null) {
      return response;
    }
    SessionDescription sdp = sdp(response);
    if (sdp == null) {
      return response;
    }
    // the response comes from the party that did not send the request (whose tag is From's)
    boolean fromCaller = !call.callerTag.equals(response.from().tag());
    if (!fromCaller) {
      String tag = response.to().tag();
      String confirmed = call.calleeTag;
      if (confirmed != null && tag != null && !confirmed.equals(tag)) {
        return response; // another fork answered too: it is hung up, the call stays with the first
      }
      if (confirmed == null
          && response.status() >= 200
          && response.status() < 300
          && response.cseq().method().equals(Method.INVITE)) {
        call.calleeTag = tag;
      }
    }
    byte[] body = through(call, sdp, fromCaller, from, false);
    return body == null ? response : response.toBuilder().body(contentType(response), body).build();
  }

  /**
   * A key pressed and told in SIP INFO rather than in the audio (phones without RFC 4733): {@code
   * application/dtmf-relay} ({@code Signal=5}, as Cisco and most PBXs send it) or {@code
   * application/dtmf} (the digit alone). The INFO itself goes on unchanged.
   */
  private void keyPressedInInfo(SipRequest info) {
    Anchored call = calls.get(info.callId());
    char digit = SipLeg.digitIn(info);
    if (call != null && digit != 0) {
      call.pressed(call.callerTag.equals(info.from().tag()), digit);
    }
  }

  /** The request got no 2xx: an initial INVITE that failed leaves no call to carry audio for. */
  void failed(SipRequest request) {
    if (relay != null && request.isMethod(Method.INVITE) && request.to().tag() == null) {
      end(request.callId());
    }
  }

  private void end(String callId) {
    Anchored call = calls.remove(callId);
    if (call != null) {
      var stats = call.session.stats();
      log.debug("call {} ended: relay {}", callId, stats);
      call.session.close();
    }
  }

  private @Nullable Anchored open(String callId, String callerTag, SessionDescription offer) {
    int stream = -1;
    for (int i = 0; i < offer.media().size(); i++) {
      MediaDescription m = offer.media().get(i);
      if (m.media().equalsIgnoreCase("audio") && m.isRtp() && !m.isRejected()) {
        stream = i;
        break;
      }
    }
    if (stream < 0) {
      return null; // no audio to anchor
    }
    MediaDescription audio = offer.media().get(stream);
    if (audio.proto().toUpperCase(Locale.ROOT).startsWith("UDP/TLS/")) {
      // a browser's stream (DTLS-SRTP over ICE): the relay does neither yet; end to end it works
      return null;
    }
    Connection c = offer.connection(audio);
    InetAddress address = c == null ? null : literal(c.address());
    if (c == null || address == null) {
      return notFollowed(
          callId, c == null ? "SDP without a c= line" : "the SDP address " + c.address());
    }
    if (java.util.Objects.requireNonNull(relay)
        .isOwnLeg(new InetSocketAddress(address, audio.port()))) {
      // the call passed through this relay already (a spiral, a hairpin): once is enough
      return null;
    }
    try {
      Anchored call =
          new Anchored(java.util.Objects.requireNonNull(relay).open(callId), callerTag, stream);
      Anchored before = calls.putIfAbsent(callId, call);
      if (before != null) {
        call.session.close(); // the same INVITE for another target: one session per call
        return before;
      }
      return call;
    } catch (MediaException e) {
      if (unanchored != null) {
        unanchored.increment();
      }
      warnings.warn(
          System.currentTimeMillis(),
          "call {}: media end to end: {}",
          callId,
          String.valueOf(e.getMessage()));
      return null;
    }
  }

  /**
   * What the other party gets: the body with the anchored stream pointing at the leg facing that
   * party; the sender's own leg learns where the sender receives. Null: the body is left alone.
   */
  private byte @Nullable [] through(
      Anchored call,
      SessionDescription sdp,
      boolean fromCaller,
      @Nullable InetAddress from,
      boolean offer) {
    if (call.stream >= sdp.media().size()) {
      return null;
    }
    MediaDescription m = sdp.media().get(call.stream);
    RelayLeg sender = fromCaller ? call.session.a() : call.session.b();
    RelayLeg receiver = fromCaller ? call.session.b() : call.session.a();
    Connection c = sdp.connection(m);
    InetAddress address = c == null ? null : literal(c.address());
    if (address == null) {
      notFollowed(
          call.session.callId(),
          c == null ? "SDP without a c= line" : "the SDP address " + c.address());
      return null;
    }
    Rtcp rtcp = m.rtcp();
    InetAddress rtcpAddress =
        rtcp == null || rtcp.connection() == null
            ? address
            : literal(java.util.Objects.requireNonNull(rtcp.connection()).address());
    sender.remote(
        new InetSocketAddress(address, m.port()),
        rtcp == null || rtcpAddress == null
            ? null
            : new InetSocketAddress(rtcpAddress, rtcp.port()),
        m.rtcpMux(),
        from);
    // the other party sends with the payload types this body names (RFC 3264 5.1): they describe
    // the stream the receiving leg gets
    int events = -1;
    for (RtpMap map : m.rtpMaps()) {
      if (map.payloadType() >= 96) {
        receiver.clockRate(map.payloadType(), map.clockRate());
        // what a recording decodes: G.711 on a dynamic payload type, or another codec
        receiver.sends(
            map.payloadType(),
            map.clockRate() == 8000 ? dev.evertone.media.audio.G711.named(map.encoding()) : null);
      }
      if (map.encoding().equalsIgnoreCase("telephone-event") && map.clockRate() == 8000) {
        events = map.payloadType();
      }
    }
    receiver.telephoneEvent(events);
    // what evertone sends this party of its own (music on hold) is in a law it takes
    for (dev.evertone.sdp.Codec codec : m.codecs()) {
      G711 law = codec.clockRate() == 8000 ? G711.named(codec.encoding()) : null;
      if (law != null) {
        sender.receives(law, codec.payloadType());
        break;
      }
    }
    SessionDescription out = rewrite(sdp, call.stream, receiver);
    if (offer) {
      out = hold(call, sdp, m, c != null && c.isHoldAddress(), fromCaller, receiver, out);
    } else if (call.answerInactive) {
      call.answerInactive = false;
      out =
          out.withMedia(
              call.stream, out.media().get(call.stream).withDirection(Direction.INACTIVE));
    }
    return SdpSerializer.toBytes(out);
  }

  /**
   * An offer that puts the other party on hold (RFC 3264 8.4: sendonly or inactive, or the old
   * 0.0.0.0 of RFC 2543) plays that party the music on hold, as a PBX does, until an offer takes
   * the hold back. An inactive offer is passed on as sendonly, so that the held phone plays what it
   * receives; its answer goes back as inactive.
   */
  private SessionDescription hold(
      Anchored call,
      SessionDescription offer,
      MediaDescription m,
      boolean holdAddress,
      boolean fromCaller,
      RelayLeg held,
      SessionDescription out) {
    Direction d = offer.direction(m);
    boolean hold = m.port() != 0 && (!d.receives() || holdAddress);
    boolean wasHeld = fromCaller ? call.calleeHeld : call.callerHeld;
    if (fromCaller) {
      call.calleeHeld = hold;
    } else {
      call.callerHeld = hold;
    }
    if (!hold) {
      call.answerInactive = false;
      if (wasHeld) {
        held.stopPlaying();
        log.debug(
            "call {}: the {} is taken off hold",
            call.session.callId(),
            fromCaller ? "callee" : "caller");
      }
      return out;
    }
    SessionDescription toHeld = out;
    if (d == Direction.INACTIVE) {
      call.answerInactive = true;
      toHeld =
          out.withMedia(
              call.stream, out.media().get(call.stream).withDirection(Direction.SENDONLY));
    }
    if (!wasHeld && musicOnHold != null && held.play(musicOnHold, true)) {
      if (holds != null) {
        holds.increment();
      }
      log.debug(
          "call {}: the {} is on hold, hearing {}",
          call.session.callId(),
          fromCaller ? "callee" : "caller",
          musicOnHold);
    }
    return toHeld;
  }

  /**
   * A call whose audio the relay cannot follow: its body passed on as it is, counted and logged.
   */
  private @Nullable Anchored notFollowed(String callId, String why) {
    if (unanchored != null) {
      unanchored.increment();
    }
    warnings.warn(
        System.currentTimeMillis(),
        "call {}: media end to end, the relay cannot follow {}; its body is passed on as it is",
        callId,
        why);
    return null;
  }

  /** The body with stream {@code index} on {@code leg}'s ports and without ICE attributes. */
  static SessionDescription rewrite(SessionDescription sdp, int index, RelayLeg leg) {
    InetSocketAddress rtp = leg.localRtp();
    Connection relay = Connection.of(rtp.getAddress().getHostAddress());
    List<MediaDescription> media = new ArrayList<>(sdp.media().size());
    for (int i = 0; i < sdp.media().size(); i++) {
      MediaDescription m = sdp.media().get(i);
      if (i == index) {
        // a rejected stream (port 0) stays rejected; a held one (0.0.0.0) is held at the relay
        Connection own = sdp.connection(m);
        boolean held = own != null && own.isHoldAddress();
        m =
            withoutIce(m)
                .withPort(m.port() == 0 ? 0 : rtp.getPort())
                .withConnection(held ? own : relay);
        if (m.rtcp() != null) {
          m =
              m.withoutAttribute("rtcp")
                  .withAttribute(new Rtcp(leg.localRtcp().getPort(), relay).attribute());
        }
      } else if (m.connections().isEmpty() && sdp.connection() != null) {
        // the other streams keep the address the session level gave them
        m = m.withConnection(sdp.connection());
      }
      media.add(m);
    }
    SessionDescription out = sdp.withMedia(media);
    for (String name : ICE) {
      out = out.withoutAttribute(name);
    }
    Connection session = sdp.connection();
    return session == null || session.isHoldAddress() ? out : out.withConnection(relay);
  }

  private static MediaDescription withoutIce(MediaDescription m) {
    MediaDescription out = m;
    for (String name : ICE) {
      out = out.withoutAttribute(name);
    }
    return out;
  }

  private @Nullable SessionDescription sdp(SipMessage message) {
    String type = message.contentType();
    if (type == null
        || !type.toLowerCase(Locale.ROOT).startsWith("application/sdp")
        || message.bodyLength() == 0) {
      return null;
    }
    try {
      return parser.parse(message.body());
    } catch (SdpException e) {
      if (unanchored != null) {
        unanchored.increment();
      }
      warnings.warn(
          System.currentTimeMillis(),
          "call {}: SDP not understood ({}); its body is passed on as it is",
          message.callId(),
          String.valueOf(e.getMessage()));
      return null;
    }
  }

  private static String contentType(SipMessage message) {
    String type = message.contentType();
    return type == null ? "application/sdp" : type;
  }

  /** An IP address literal; null for a name (never looked up: no DNS on the signalling path). */
  private static @Nullable InetAddress literal(String text) {
    boolean v4 =
        text.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")
            && java.util.Arrays.stream(text.split("\\.", -1))
                .allMatch(p -> Integer.parseInt(p) <= 255);
    // a string with ':' is only ever read as an IPv6 literal, never looked up
    boolean v6 = text.contains(":") && text.matches("[0-9a-fA-F:.]+");
    if (!v4 && !v6) {
      return null;
    }
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** The Call-IDs of the calls anchored now. */
  public List<String> anchoredCallIds() {
    return List.copyOf(calls.keySet());
  }

  /** How many calls are anchored now. */
  public int anchoredCalls() {
    return calls.size();
  }

  @Override
  public void close() {
    calls.clear();
    if (relay != null) {
      relay.close();
    }
  }
}
