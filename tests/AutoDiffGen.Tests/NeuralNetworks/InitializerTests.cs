using System;
using System.Linq;
using AutoDiffGen.NeuralNetworks;
using AutoDiffGen.Tensors;

namespace AutoDiffGen.Tests.NeuralNetworks;

/// <summary>Glorot uniform has Keras' bounds and moments and is reproducible from a seed; biases start at zero.</summary>
public class InitializerTests
{
    [Fact]
    public void Glorot_uniform_is_a_fan_in_by_fan_out_matrix_within_the_limit_and_spanning_it()
    {
        Tensor kernel = Initializers.GlorotUniform(100, 50, new Random(1));

        Assert.Equal((2, 100, 50), (kernel.Rank, kernel.Rows, kernel.Columns));
        float limit = (float)Math.Sqrt(6.0 / (100 + 50)); // 0.2
        float[] values = kernel.AsSpan().ToArray();
        Assert.All(values, v => Assert.InRange(v, -limit, limit));
        Assert.True(values.Max() > 0.99f * limit, $"max {values.Max()}");
        Assert.True(values.Min() < -0.99f * limit, $"min {values.Min()}");
    }

    [Fact]
    public void Glorot_uniform_has_mean_zero_and_variance_two_over_fan_in_plus_fan_out()
    {
        Tensor kernel = Initializers.GlorotUniform(100, 50, new Random(2));

        // U(-l, l) has variance l²/3 = 2 / (fanIn + fanOut). Over 5000 values the sample mean's standard deviation is
        // sqrt(2/150 / 5000) ≈ 0.0016, so 0.01 is six of them; the variance's relative error is about 1.8%.
        double[] values = kernel.AsSpan().ToArray().Select(v => (double)v).ToArray();
        double mean = values.Average();
        double variance = values.Select(v => (v - mean) * (v - mean)).Average();
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(variance, 0.9 * 2.0 / 150, 1.1 * 2.0 / 150);
    }

    [Fact]
    public void Glorot_uniform_is_reproducible_with_the_same_seed_and_differs_with_another()
    {
        float[] first = Initializers.GlorotUniform(20, 10, new Random(42)).AsSpan().ToArray();
        float[] again = Initializers.GlorotUniform(20, 10, new Random(42)).AsSpan().ToArray();
        float[] other = Initializers.GlorotUniform(20, 10, new Random(43)).AsSpan().ToArray();

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Glorot_uniform_draws_one_value_per_element_in_row_major_order()
    {
        var reference = new Random(5);
        double limit = Math.Sqrt(6.0 / (3 + 2));
        float[] expected = Enumerable.Range(0, 6).Select(_ => (float)(((2 * reference.NextDouble()) - 1) * limit)).ToArray();

        Tensor kernel = Initializers.GlorotUniform(3, 2, new Random(5));

        Assert.Equal(expected, kernel.AsSpan().ToArray());
    }

    [Fact]
    public void Glorot_uniform_rejects_empty_fans_and_a_null_random()
    {
        Assert.Equal("fanIn", Assert.Throws<ArgumentOutOfRangeException>(() => Initializers.GlorotUniform(0, 3, new Random(1))).ParamName);
        Assert.Equal("fanOut", Assert.Throws<ArgumentOutOfRangeException>(() => Initializers.GlorotUniform(3, -1, new Random(1))).ParamName);
        Assert.Throws<ArgumentNullException>(() => Initializers.GlorotUniform(3, 3, null!));
    }

    [Fact]
    public void Zeros_is_a_zero_vector()
    {
        Tensor bias = Initializers.Zeros(4);
        Assert.Equal((1, 4), (bias.Rank, bias.Length));
        Assert.All(bias.AsSpan().ToArray(), v => Assert.Equal(0f, v));
        Assert.Throws<ArgumentOutOfRangeException>(() => Initializers.Zeros(-1));
    }
}
