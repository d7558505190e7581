/**
 * Call routing's data: carriers' trunks, a domain's dial plan, its phone numbers, and each
 * extension's forwarding rules.
 */
@NullMarked
package dev.evertone.store.routing;

import org.jspecify.annotations.NullMarked;
