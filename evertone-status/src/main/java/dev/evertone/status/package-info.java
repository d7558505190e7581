/**
 * The status page: components, incidents and scheduled maintenances with Statuspage's rules ({@link
 * dev.evertone.status.StatusService}), the monitors that declare incidents from evertone's own
 * measurements ({@link dev.evertone.status.AutoIncidents}), notifications to subscribers ({@link
 * dev.evertone.status.Notifier}), and the public output: HTML, RSS and Atom, and JSON compatible
 * with Statuspage's public API ({@link dev.evertone.status.StatuspageJson}).
 */
@NullMarked
package dev.evertone.status;

import org.jspecify.annotations.NullMarked;
