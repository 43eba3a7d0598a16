using System;
using AutoDiffGen.NeuralNetworks;
using AutoDiffGen.Tensors;

namespace AutoDiffGen.Tests.NeuralNetworks;

/// <summary>
/// The schedules give Keras' rates (written out here in double), refuse invalid settings by name, and an optimizer with
/// a schedule uses the rate of its step count before each update.
/// </summary>
public class LearningRateScheduleTests
{
    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(25, 0.5 * (1 + 0.70710678118654757))] // cos(π/4)
    [InlineData(50, 0.5)]
    [InlineData(75, 0.5 * (1 - 0.70710678118654757))]
    [InlineData(100, 0.0)]
    [InlineData(250, 0.0)]
    public void Cosine_decay_follows_half_a_cosine_to_zero_and_stays_there(long step, double fraction)
    {
        var schedule = new CosineDecay(0.002f, decaySteps: 100);
        Assert.Equal(0.002 * fraction, schedule.LearningRateAt(step), 1e-9);
    }

    [Fact]
    public void Cosine_decay_with_alpha_ends_at_alpha_times_the_initial_rate()
    {
        var schedule = new CosineDecay(0.5f, decaySteps: 10, alpha: 0.25f);
        Assert.Equal(0.5f, schedule.LearningRateAt(0));
        Assert.Equal(0.5 * ((0.75 * 0.5) + 0.25), schedule.LearningRateAt(5), 1e-7);
        Assert.Equal(0.125f, schedule.LearningRateAt(10));
        Assert.Equal(0.125f, schedule.LearningRateAt(11));
    }

    [Fact]
    public void Exponential_decay_multiplies_by_the_rate_per_decay_steps_smoothly_or_in_stairs()
    {
        var smooth = new ExponentialDecay(1f, decaySteps: 4, decayRate: 0.5f);
        var stairs = new ExponentialDecay(1f, decaySteps: 4, decayRate: 0.5f, staircase: true);
        Assert.Equal(1f, smooth.LearningRateAt(0));
        Assert.Equal(Math.Pow(0.5, 0.5), smooth.LearningRateAt(2), 1e-7);
        Assert.Equal(0.25f, smooth.LearningRateAt(8));
        Assert.Equal(1f, stairs.LearningRateAt(3));
        Assert.Equal(0.5f, stairs.LearningRateAt(4));
        Assert.Equal(0.5f, stairs.LearningRateAt(7));
        Assert.Equal(0.25f, stairs.LearningRateAt(8));
    }

    [Fact]
    public void Piecewise_constant_decay_changes_after_each_boundary()
    {
        var schedule = new PiecewiseConstantDecay([10, 20], [1f, 0.5f, 0.1f]);
        Assert.Equal(1f, schedule.LearningRateAt(0));
        Assert.Equal(1f, schedule.LearningRateAt(10)); // Keras: values[0] while step <= boundaries[0]
        Assert.Equal(0.5f, schedule.LearningRateAt(11));
        Assert.Equal(0.5f, schedule.LearningRateAt(20));
        Assert.Equal(0.1f, schedule.LearningRateAt(21));
    }

    [Fact]
    public void Invalid_settings_are_refused_naming_the_parameter_or_index()
    {
        Assert.Equal("initialLearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineDecay(-1f, 10)).ParamName);
        Assert.Equal("decaySteps", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineDecay(1f, 0)).ParamName);
        Assert.Equal("alpha", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineDecay(1f, 10, alpha: 1.5f)).ParamName);
        Assert.Equal("alpha", Assert.Throws<ArgumentOutOfRangeException>(() => new CosineDecay(1f, 10, alpha: float.NaN)).ParamName);
        Assert.Equal("decayRate", Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialDecay(1f, 10, float.NaN)).ParamName);
        Assert.Equal("decaySteps", Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialDecay(1f, -3, 0.5f)).ParamName);

        var count = Assert.Throws<ArgumentException>(() => new PiecewiseConstantDecay([10, 20], [1f, 0.5f]));
        Assert.Equal("values", count.ParamName);
        Assert.Contains("2 boundaries, so there must be 3 values, but there are 2", count.Message, StringComparison.Ordinal);
        var order = Assert.Throws<ArgumentException>(() => new PiecewiseConstantDecay([10, 10], [1f, 0.5f, 0.1f]));
        Assert.Contains("boundaries[1] = 10 follows boundaries[0] = 10", order.Message, StringComparison.Ordinal);
        var value = Assert.Throws<ArgumentException>(() => new PiecewiseConstantDecay([10], [1f, float.PositiveInfinity]));
        Assert.Contains("values[1]", value.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_optimizer_with_a_schedule_uses_the_rate_of_its_step_count()
    {
        var optimizer = new Sgd(learningRate: 99f) { Schedule = new PiecewiseConstantDecay([0, 1], [0.5f, 0.25f, 0.125f]) };
        Tensor w = Tensor.FromArray([1f]);
        Tensor g = Tensor.FromArray([1f]);

        optimizer.Step([w], [g]); // step 0: 0.5
        Assert.Equal(0.5f, optimizer.LearningRate);
        optimizer.Step([w], [g]); // step 1: 0.25
        optimizer.Step([w], [g]); // step 2: 0.125

        Assert.Equal(1f - 0.5f - 0.25f - 0.125f, w[0]);
        Assert.Equal(0.125f, optimizer.LearningRate);

        optimizer.Schedule = null; // back to the constant rate, which is the last one the schedule set
        optimizer.Step([w], [g]);
        Assert.Equal(1f - 0.5f - 0.25f - 0.125f - 0.125f, w[0]);
    }

    [Fact]
    public void A_schedule_that_gives_an_invalid_rate_stops_the_step_before_any_update()
    {
        var optimizer = new RmsProp { Schedule = new PiecewiseConstantDecay([1], [0.001f, 0.001f]) };
        Tensor w = Tensor.FromArray([1f, 2f]);
        Tensor g = Tensor.FromArray([1f, 1f]);
        optimizer.Step([w], [g]);
        float[] after = w.AsSpan().ToArray();

        optimizer.Schedule = new InvalidAfter(1);
        var error = Assert.Throws<InvalidOperationException>(() => optimizer.Step([w], [g]));

        Assert.Equal("The learning-rate schedule InvalidAfter gave NaN for step 1; a learning rate must be finite and non-negative.", error.Message);
        Assert.Equal(after, w.AsSpan().ToArray());
        Assert.Equal(1, optimizer.Iterations);
    }

    /// <summary>A rate of 0.001 for the first steps, then NaN, as a user's buggy schedule might.</summary>
    internal sealed class InvalidAfter(long validSteps) : LearningRateSchedule
    {
        public override float LearningRateAt(long step) => step < validSteps ? 0.001f : float.NaN;
    }
}
