package io.statspipe.domain;

/**
 * A value broke one of the domain's rules. The message names the value and the rule, so it can
 * be handed to whoever sent the bad input (an HTTP 400 body, a dead-letter reason).
 */
public final class InvalidStatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidStatException(String message) {
        super(message);
    }
}
