package io.statspipe.kairosdb.plugin;

import javax.validation.ConstraintValidator;
import javax.validation.ConstraintValidatorContext;

/** Checks {@link PercentileRange}. */
public final class PercentileRangeValidator implements ConstraintValidator<PercentileRange, Double> {
    @Override
    public void initialize(PercentileRange annotation) {
    }

    @Override
    public boolean isValid(Double value, ConstraintValidatorContext context) {
        return value != null && value > 0 && value <= 1;
    }
}
