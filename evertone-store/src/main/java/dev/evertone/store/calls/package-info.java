/**
 * Call records (CDRs): one row per call through evertone, proxied or anchored - who called whom,
 * when it was set up, answered and ended, who hung up, the final SIP status, and for anchored calls
 * the relay's measured quality. Written by the proxy when a call ends; listed by the admin API and
 * the CLI.
 */
@NullMarked
package dev.evertone.store.calls;

import org.jspecify.annotations.NullMarked;
