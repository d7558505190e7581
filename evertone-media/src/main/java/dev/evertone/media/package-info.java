/**
 * The RTP/RTCP relay for anchored calls (RFC 3550): {@link dev.evertone.media.MediaRelay} owns the
 * event loops and the port range ({@link dev.evertone.media.MediaConfig}); a {@link
 * dev.evertone.media.RelaySession} relays one stream between the caller's party ({@link
 * dev.evertone.media.RelaySession#a()}) and the callee's ({@link
 * dev.evertone.media.RelaySession#b()}) without decoding; each {@link dev.evertone.media.RelayLeg}
 * latches its party's address (symmetric RTP, RFC 4961), refuses every other source, and keeps the
 * statistics of RFC 3550 A.1, A.3 and A.8 ({@link dev.evertone.media.LegStats}), with a MOS
 * estimate from a simplified E-model (ITU-T G.107).
 */
@NullMarked
package dev.evertone.media;

import org.jspecify.annotations.NullMarked;
