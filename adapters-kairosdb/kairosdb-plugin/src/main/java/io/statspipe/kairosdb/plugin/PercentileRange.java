package io.statspipe.kairosdb.plugin;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import javax.validation.Constraint;
import javax.validation.Payload;

/** A percentile as a fraction: greater than 0, at most 1 (KairosDB answers a query breaking it with HTTP 400). */
@Documented
@Target(FIELD)
@Retention(RUNTIME)
@Constraint(validatedBy = PercentileRangeValidator.class)
public @interface PercentileRange {
    String message() default "must be greater than 0 and at most 1 (0.99 is the 99th percentile)";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
