/**
 * The registrar (RFC 3261 section 10): the location service that holds bindings of
 * addresses-of-record to contacts, digest authentication of REGISTER requests against the store's
 * credentials, and the guards against password guessing.
 */
@NullMarked
package dev.evertone.registrar;

import org.jspecify.annotations.NullMarked;
