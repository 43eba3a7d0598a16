using System;

namespace AutoDiffGen.NeuralNetworks;

/// <summary>
/// A learning rate that changes with the step number, as Keras' <c>keras.optimizers.schedules</c>: give it to an
/// optimizer's <see cref="Optimizer.Schedule"/> and each step uses <see cref="LearningRateAt"/> of the steps taken so far.
/// </summary>
/// <remarks>
/// The schedules are <see cref="CosineDecay"/>, <see cref="ExponentialDecay"/> and <see cref="PiecewiseConstantDecay"/>;
/// derive from this class for another one. A schedule holds no state, so one instance may serve several optimizers.
/// </remarks>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate of the step taken after <paramref name="step"/> steps (0 for the first step).</summary>
    /// <param name="step">The optimizer's <see cref="Optimizer.Iterations"/> before the step, 0 or more.</param>
    /// <returns>A finite, non-negative learning rate; the optimizer refuses the step otherwise.</returns>
    public abstract float LearningRateAt(long step);

    /// <summary>Throws unless <paramref name="value"/> is finite and non-negative; returns it.</summary>
    private protected static float RequireNonNegative(float value, string name) =>
        float.IsFinite(value) && value >= 0f
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and non-negative, but was {value}.");

    /// <summary>Throws unless <paramref name="value"/> is positive; returns it.</summary>
    private protected static long RequirePositive(long value, string name) =>
        value > 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive, but was {value}.");
}

/// <summary>
/// Decays the learning rate along half a cosine, from <see cref="InitialLearningRate"/> at step 0 to
/// <see cref="Alpha"/> × that at <see cref="DecaySteps"/>, then holds it, as Keras' <c>CosineDecay</c> without warm-up
/// (Loshchilov and Hutter, 2017, without restarts).
/// </summary>
/// <remarks>
/// <code>
/// t = min(step, decaySteps) / decaySteps
/// learningRate = initialLearningRate · ((1 - alpha) · 0.5 · (1 + cos(π·t)) + alpha)
/// </code>
/// For a run of a known length, set <see cref="DecaySteps"/> to its number of steps (epochs × batches per epoch): the
/// rate then falls slowly at first, fastest halfway, and reaches its floor at the last step.
/// </remarks>
public sealed class CosineDecay : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="initialLearningRate">The rate at step 0, finite and ≥ 0.</param>
    /// <param name="decaySteps">The step at which the rate reaches its floor, &gt; 0.</param>
    /// <param name="alpha">The floor as a fraction of the initial rate, in [0, 1]; Keras' default 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of its range or NaN.</exception>
    public CosineDecay(float initialLearningRate, long decaySteps, float alpha = 0f)
    {
        InitialLearningRate = RequireNonNegative(initialLearningRate, nameof(initialLearningRate));
        DecaySteps = RequirePositive(decaySteps, nameof(decaySteps));
        Alpha = alpha is >= 0f and <= 1f
            ? alpha
            : throw new ArgumentOutOfRangeException(nameof(alpha), alpha, $"{nameof(alpha)} must be in [0, 1], but was {alpha}.");
    }

    /// <summary>The rate at step 0.</summary>
    public float InitialLearningRate { get; }

    /// <summary>The step at which the rate reaches its floor.</summary>
    public long DecaySteps { get; }

    /// <summary>The floor as a fraction of the initial rate.</summary>
    public float Alpha { get; }

    /// <inheritdoc/>
    public override float LearningRateAt(long step)
    {
        double progress = Math.Clamp(step, 0, DecaySteps) / (double)DecaySteps;
        double cosine = 0.5 * (1.0 + Math.Cos(Math.PI * progress));
        return (float)(InitialLearningRate * (((1.0 - Alpha) * cosine) + Alpha));
    }
}

/// <summary>
/// Multiplies the learning rate by <see cref="DecayRate"/> every <see cref="DecaySteps"/> steps, smoothly or in
/// stairs, as Keras' <c>ExponentialDecay</c>: <c>initialLearningRate · decayRate^(step / decaySteps)</c>, the exponent
/// rounded down when <see cref="Staircase"/>.
/// </summary>
public sealed class ExponentialDecay : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="initialLearningRate">The rate at step 0, finite and ≥ 0.</param>
    /// <param name="decaySteps">The steps over which the rate is multiplied by <paramref name="decayRate"/> once, &gt; 0.</param>
    /// <param name="decayRate">The factor per <paramref name="decaySteps"/>, finite and ≥ 0 (below 1 to decay).</param>
    /// <param name="staircase">Whether the rate changes only every <paramref name="decaySteps"/> steps.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of its range or NaN.</exception>
    public ExponentialDecay(float initialLearningRate, long decaySteps, float decayRate, bool staircase = false)
    {
        InitialLearningRate = RequireNonNegative(initialLearningRate, nameof(initialLearningRate));
        DecaySteps = RequirePositive(decaySteps, nameof(decaySteps));
        DecayRate = RequireNonNegative(decayRate, nameof(decayRate));
        Staircase = staircase;
    }

    /// <summary>The rate at step 0.</summary>
    public float InitialLearningRate { get; }

    /// <summary>The steps over which the rate is multiplied by <see cref="DecayRate"/> once.</summary>
    public long DecaySteps { get; }

    /// <summary>The factor per <see cref="DecaySteps"/> steps.</summary>
    public float DecayRate { get; }

    /// <summary>Whether the rate changes only every <see cref="DecaySteps"/> steps.</summary>
    public bool Staircase { get; }

    /// <inheritdoc/>
    public override float LearningRateAt(long step)
    {
        double exponent = Math.Max(step, 0) / (double)DecaySteps;
        if (Staircase)
        {
            exponent = Math.Floor(exponent);
        }
        // A rate that underflows to 0 is still a valid rate; an overflowing one (decayRate > 1) is caught by the optimizer.
        return (float)(InitialLearningRate * Math.Pow(DecayRate, exponent));
    }
}

/// <summary>
/// A constant learning rate per range of steps, as Keras' <c>PiecewiseConstantDecay</c>: <c>values[0]</c> while
/// step ≤ <c>boundaries[0]</c>, <c>values[i]</c> while <c>boundaries[i - 1]</c> &lt; step ≤ <c>boundaries[i]</c>, and
/// the last value after the last boundary.
/// </summary>
public sealed class PiecewiseConstantDecay : LearningRateSchedule
{
    private readonly long[] _boundaries;
    private readonly float[] _values;

    /// <summary>Creates the schedule.</summary>
    /// <param name="boundaries">The steps where the rate changes, increasing.</param>
    /// <param name="values">The rates, one more than the boundaries, each finite and ≥ 0.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">
    /// The counts do not fit, the boundaries do not increase, or a value is negative, infinite or NaN; the message says
    /// which index.
    /// </exception>
    public PiecewiseConstantDecay(long[] boundaries, float[] values)
    {
        ArgumentNullException.ThrowIfNull(boundaries);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != boundaries.Length + 1)
        {
            throw new ArgumentException(
                $"There are {boundaries.Length} boundaries, so there must be {boundaries.Length + 1} values, but there are {values.Length}.",
                nameof(values));
        }
        for (int i = 1; i < boundaries.Length; i++)
        {
            if (boundaries[i] <= boundaries[i - 1])
            {
                throw new ArgumentException(
                    $"The boundaries must increase, but boundaries[{i}] = {boundaries[i]} follows boundaries[{i - 1}] = {boundaries[i - 1]}.",
                    nameof(boundaries));
            }
        }
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]) || values[i] < 0f)
            {
                throw new ArgumentException($"values[{i}] must be finite and non-negative, but was {values[i]}.", nameof(values));
            }
        }
        _boundaries = (long[])boundaries.Clone();
        _values = (float[])values.Clone();
    }

    /// <summary>The steps where the rate changes.</summary>
    public ReadOnlySpan<long> Boundaries => _boundaries;

    /// <summary>The rate before the first boundary, between each two, and after the last.</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <inheritdoc/>
    public override float LearningRateAt(long step)
    {
        int range = 0;
        while (range < _boundaries.Length && step > _boundaries[range])
        {
            range++;
        }
        return _values[range];
    }
}
