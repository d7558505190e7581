/**
 * SIP method dispatch: the transaction user of evertone's SIP stack, which hands REGISTER to the
 * registrar, calls and in-dialog requests to the proxy, and answers OPTIONS to the server itself.
 * Made by the stack's user factory, so that the proxy it holds sends through the same transaction
 * layer (no setter closes the cycle).
 */
@NullMarked
package dev.evertone.dispatch;

import org.jspecify.annotations.NullMarked;
