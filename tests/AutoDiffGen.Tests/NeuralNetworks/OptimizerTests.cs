using System;
using System.Collections.Generic;
using AutoDiffGen.NeuralNetworks;
using AutoDiffGen.Tensors;

namespace AutoDiffGen.Tests.NeuralNetworks;

/// <summary>
/// The optimizers follow Keras' update rules. Each test takes three steps on three weights, w = [1, -2, 0.5], with the
/// gradients below, and compares with the rule written out in double, step by step. Hyper-parameters are powers of
/// two (or sums of a few), so the only rounding is float's, and epsilon is large enough that where it goes matters.
/// The three weights are repeated 11 times (33 elements), so each is updated both in the SIMD body and in the scalar tail.
/// </summary>
public class OptimizerTests
{
    private static readonly float[] s_initial = [1f, -2f, 0.5f];
    private static readonly float[][] s_gradients = [[0.5f, -1f, 2f], [0.25f, 0.75f, -1f], [-0.5f, 1f, 0f]];
    private const int Repeats = 11;

    /// <summary>Runs three steps and returns the weights after each, as 33-element tensors.</summary>
    private static Tensor[] ThreeSteps(Optimizer optimizer)
    {
        Tensor w = Repeat(s_initial);
        var after = new Tensor[3];
        for (int step = 0; step < 3; step++)
        {
            optimizer.Step([w], [Repeat(s_gradients[step])]);
            after[step] = w.Clone();
        }
        return after;
    }

    private static Tensor Repeat(float[] pattern)
    {
        var values = new float[pattern.Length * Repeats];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = pattern[i % pattern.Length];
        }
        return Tensor.FromArray(values);
    }

    private static void AssertWeights(double[] expected, Tensor actual, double tolerance, string step)
    {
        for (int i = 0; i < actual.Length; i++)
        {
            double e = expected[i % expected.Length];
            Assert.True(Math.Abs(e - actual[i]) <= tolerance, $"{step}: element {i} is {actual[i]:R}, expected {e:R}");
        }
    }

    [Fact]
    public void Sgd_without_momentum_subtracts_the_scaled_gradient()
    {
        Tensor[] w = ThreeSteps(new Sgd(learningRate: 0.125f));

        // w = w - 0.125·g
        double[] w1 = [1 - (0.125 * 0.5), -2 - (0.125 * -1), 0.5 - (0.125 * 2)];
        double[] w2 = [w1[0] - (0.125 * 0.25), w1[1] - (0.125 * 0.75), w1[2] - (0.125 * -1)];
        double[] w3 = [w2[0] - (0.125 * -0.5), w2[1] - (0.125 * 1), w2[2] - (0.125 * 0)];
        AssertWeights(w1, w[0], 0, "step 1");
        AssertWeights(w2, w[1], 0, "step 2");
        AssertWeights(w3, w[2], 0, "step 3");
        Assert.Equal([0.96875, -2.09375, 0.375], w3);
    }

    [Fact]
    public void Sgd_with_momentum_adds_the_velocity()
    {
        Tensor[] w = ThreeSteps(new Sgd(learningRate: 0.125f, momentum: 0.5f));

        // v = 0.5·v - 0.125·g; w = w + v
        double[] v1 = [-0.125 * 0.5, -0.125 * -1, -0.125 * 2];
        double[] w1 = [1 + v1[0], -2 + v1[1], 0.5 + v1[2]];
        double[] v2 = [(0.5 * v1[0]) - (0.125 * 0.25), (0.5 * v1[1]) - (0.125 * 0.75), (0.5 * v1[2]) - (0.125 * -1)];
        double[] w2 = [w1[0] + v2[0], w1[1] + v2[1], w1[2] + v2[2]];
        double[] v3 = [(0.5 * v2[0]) - (0.125 * -0.5), (0.5 * v2[1]) - (0.125 * 1), (0.5 * v2[2]) - (0.125 * 0)];
        double[] w3 = [w2[0] + v3[0], w2[1] + v3[1], w2[2] + v3[2]];
        AssertWeights(w1, w[0], 0, "step 1");
        AssertWeights(w2, w[1], 0, "step 2");
        AssertWeights(w3, w[2], 0, "step 3");
        Assert.Equal([0.90625, -2.046875, 0.25], w3);
    }

    [Fact]
    public void Sgd_with_nesterov_momentum_looks_ahead_along_the_new_velocity()
    {
        Tensor[] w = ThreeSteps(new Sgd(learningRate: 0.125f, momentum: 0.5f, nesterov: true));

        // v = 0.5·v - 0.125·g; w = w + 0.5·v - 0.125·g
        double[] v1 = [-0.125 * 0.5, -0.125 * -1, -0.125 * 2];
        double[] w1 = [1 + (0.5 * v1[0]) - (0.125 * 0.5), -2 + (0.5 * v1[1]) - (0.125 * -1), 0.5 + (0.5 * v1[2]) - (0.125 * 2)];
        double[] v2 = [(0.5 * v1[0]) - (0.125 * 0.25), (0.5 * v1[1]) - (0.125 * 0.75), (0.5 * v1[2]) - (0.125 * -1)];
        double[] w2 = [w1[0] + (0.5 * v2[0]) - (0.125 * 0.25), w1[1] + (0.5 * v2[1]) - (0.125 * 0.75), w1[2] + (0.5 * v2[2]) - (0.125 * -1)];
        double[] v3 = [(0.5 * v2[0]) - (0.125 * -0.5), (0.5 * v2[1]) - (0.125 * 1), (0.5 * v2[2]) - (0.125 * 0)];
        double[] w3 = [w2[0] + (0.5 * v3[0]) - (0.125 * -0.5), w2[1] + (0.5 * v3[1]) - (0.125 * 1), w2[2] + (0.5 * v3[2]) - (0.125 * 0)];
        AssertWeights(w1, w[0], 0, "step 1");
        AssertWeights(w2, w[1], 0, "step 2");
        AssertWeights(w3, w[2], 0, "step 3");
        Assert.Equal([0.921875, -2.1171875, 0.25], w3);
    }

    [Fact]
    public void RmsProp_divides_by_the_root_of_the_squared_gradients_average_plus_epsilon()
    {
        Tensor[] w = ThreeSteps(new RmsProp(learningRate: 0.125f, rho: 0.75f, epsilon: 0.0625f));

        // v = 0.75·v + 0.25·g²; w = w - 0.125·g / sqrt(v + 0.0625)   (Keras 3: epsilon inside the root)
        double[] v1 = [0.25 * 0.5 * 0.5, 0.25 * -1 * -1, 0.25 * 2 * 2];
        double[] w1 =
        [
            1 - (0.125 * 0.5 / Math.Sqrt(v1[0] + 0.0625)),
            -2 - (0.125 * -1 / Math.Sqrt(v1[1] + 0.0625)),
            0.5 - (0.125 * 2 / Math.Sqrt(v1[2] + 0.0625)),
        ];
        double[] v2 = [(0.75 * v1[0]) + (0.25 * 0.25 * 0.25), (0.75 * v1[1]) + (0.25 * 0.75 * 0.75), (0.75 * v1[2]) + (0.25 * -1 * -1)];
        double[] w2 =
        [
            w1[0] - (0.125 * 0.25 / Math.Sqrt(v2[0] + 0.0625)),
            w1[1] - (0.125 * 0.75 / Math.Sqrt(v2[1] + 0.0625)),
            w1[2] - (0.125 * -1 / Math.Sqrt(v2[2] + 0.0625)),
        ];
        double[] v3 = [(0.75 * v2[0]) + (0.25 * -0.5 * -0.5), (0.75 * v2[1]) + (0.25 * 1 * 1), (0.75 * v2[2]) + (0.25 * 0 * 0)];
        double[] w3 =
        [
            w2[0] - (0.125 * -0.5 / Math.Sqrt(v3[0] + 0.0625)),
            w2[1] - (0.125 * 1 / Math.Sqrt(v3[1] + 0.0625)),
            w2[2] - (0.125 * 0 / Math.Sqrt(v3[2] + 0.0625)),
        ];
        AssertWeights(w1, w[0], 1e-6, "step 1");
        AssertWeights(w2, w[1], 1e-6, "step 2");
        AssertWeights(w3, w[2], 1e-6, "step 3");

        // The legacy rule, lr·g / (sqrt(v) + epsilon), would already differ by 0.022 in the first weight after one step.
        Assert.True(Math.Abs(w[0][0] - (1 - (0.125 * 0.5 / (Math.Sqrt(v1[0]) + 0.0625)))) > 0.02);
    }

    [Fact]
    public void RmsProp_reproduces_the_example_in_the_Keras_documentation()
    {
        // keras.optimizers.RMSprop(learning_rate=0.1); var1 = 10; loss = var1² / 2, so the gradient is var1 = 10;
        // one minimize step leaves var1 = 9.683772.
        var optimizer = new RmsProp(learningRate: 0.1f);
        Tensor var1 = Tensor.FromArray([10f]);
        optimizer.Step([var1], [Tensor.FromArray([10f])]);
        Assert.Equal(9.683772f, var1[0], 1e-5f);
    }

    [Fact]
    public void Adam_steps_by_the_bias_corrected_rate_times_m_over_root_v_plus_epsilon()
    {
        Tensor[] w = ThreeSteps(new Adam(learningRate: 0.25f, beta1: 0.75f, beta2: 0.875f, epsilon: 0.0625f));

        // m = 0.75·m + 0.25·g; v = 0.875·v + 0.125·g²; lr_t = 0.25·sqrt(1 - 0.875^t) / (1 - 0.75^t);
        // w = w - lr_t·m / (sqrt(v) + 0.0625)   (epsilon outside the root)
        double lr1 = 0.25 * Math.Sqrt(1 - 0.875) / (1 - 0.75);
        double[] m1 = [0.25 * 0.5, 0.25 * -1, 0.25 * 2];
        double[] v1 = [0.125 * 0.5 * 0.5, 0.125 * -1 * -1, 0.125 * 2 * 2];
        double[] w1 =
        [
            1 - (lr1 * m1[0] / (Math.Sqrt(v1[0]) + 0.0625)),
            -2 - (lr1 * m1[1] / (Math.Sqrt(v1[1]) + 0.0625)),
            0.5 - (lr1 * m1[2] / (Math.Sqrt(v1[2]) + 0.0625)),
        ];
        double lr2 = 0.25 * Math.Sqrt(1 - (0.875 * 0.875)) / (1 - (0.75 * 0.75));
        double[] m2 = [(0.75 * m1[0]) + (0.25 * 0.25), (0.75 * m1[1]) + (0.25 * 0.75), (0.75 * m1[2]) + (0.25 * -1)];
        double[] v2 = [(0.875 * v1[0]) + (0.125 * 0.25 * 0.25), (0.875 * v1[1]) + (0.125 * 0.75 * 0.75), (0.875 * v1[2]) + (0.125 * -1 * -1)];
        double[] w2 =
        [
            w1[0] - (lr2 * m2[0] / (Math.Sqrt(v2[0]) + 0.0625)),
            w1[1] - (lr2 * m2[1] / (Math.Sqrt(v2[1]) + 0.0625)),
            w1[2] - (lr2 * m2[2] / (Math.Sqrt(v2[2]) + 0.0625)),
        ];
        double lr3 = 0.25 * Math.Sqrt(1 - (0.875 * 0.875 * 0.875)) / (1 - (0.75 * 0.75 * 0.75));
        double[] m3 = [(0.75 * m2[0]) + (0.25 * -0.5), (0.75 * m2[1]) + (0.25 * 1), (0.75 * m2[2]) + (0.25 * 0)];
        double[] v3 = [(0.875 * v2[0]) + (0.125 * -0.5 * -0.5), (0.875 * v2[1]) + (0.125 * 1 * 1), (0.875 * v2[2]) + (0.125 * 0 * 0)];
        double[] w3 =
        [
            w2[0] - (lr3 * m3[0] / (Math.Sqrt(v3[0]) + 0.0625)),
            w2[1] - (lr3 * m3[1] / (Math.Sqrt(v3[1]) + 0.0625)),
            w2[2] - (lr3 * m3[2] / (Math.Sqrt(v3[2]) + 0.0625)),
        ];
        AssertWeights(w1, w[0], 1e-6, "step 1");
        AssertWeights(w2, w[1], 1e-6, "step 2");
        AssertWeights(w3, w[2], 1e-6, "step 3");
    }

    [Fact]
    public void Adam_with_Keras_defaults_moves_each_weight_by_about_the_learning_rate_on_its_first_step()
    {
        // With m = 0.1·g and v = 0.001·g², lr_t·m / sqrt(v) = lr·sign(g) exactly, less the tiny epsilon's share.
        var optimizer = new Adam();
        Tensor w = Tensor.FromArray([1f, -2f, 0.5f]);
        optimizer.Step([w], [Tensor.FromArray([0.5f, -1f, 2f])]);
        Assert.Equal(1 - 0.001f, w[0], 1e-6f);
        Assert.Equal(-2 + 0.001f, w[1], 1e-6f);
        Assert.Equal(0.5f - 0.001f, w[2], 1e-6f);
    }

    [Fact]
    public void Defaults_are_Keras_defaults()
    {
        var sgd = new Sgd();
        Assert.Equal((0.01f, 0f, false), (sgd.LearningRate, sgd.Momentum, sgd.Nesterov));
        var rmsProp = new RmsProp();
        Assert.Equal((0.001f, 0.9f, 1e-7f), (rmsProp.LearningRate, rmsProp.Rho, rmsProp.Epsilon));
        var adam = new Adam();
        Assert.Equal((0.001f, 0.9f, 0.999f, 1e-7f), (adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon));
    }

    [Fact]
    public void Iterations_counts_steps_and_a_new_learning_rate_applies_from_the_next_step()
    {
        var optimizer = new Sgd(learningRate: 0.5f);
        Tensor w = Tensor.FromArray([1f]);
        Tensor g = Tensor.FromArray([1f]);
        Assert.Equal(0, optimizer.Iterations);

        optimizer.Step([w], [g]);
        optimizer.LearningRate = 0.25f;
        optimizer.Step([w], [g]);

        Assert.Equal(2, optimizer.Iterations);
        Assert.Equal(1f - 0.5f - 0.25f, w[0]);
    }

    [Fact]
    public void Steps_update_several_parameters_of_different_shapes()
    {
        var optimizer = new Sgd(learningRate: 0.5f);
        Tensor kernel = Tensor.FromArray(2, 2, [1f, 2f, 3f, 4f]);
        Tensor bias = Tensor.FromArray([1f, 1f]);
        optimizer.Step([kernel, bias], [Tensor.FromArray(2, 2, [2f, 2f, 2f, 2f]), Tensor.FromArray([-2f, 4f])]);
        Assert.Equal([0f, 1f, 2f, 3f], kernel.AsSpan().ToArray());
        Assert.Equal([2f, -1f], bias.AsSpan().ToArray());
    }

    public static TheoryData<Func<Optimizer>, string, float> InvalidHyperParameters => new()
    {
        { () => new Sgd(learningRate: -0.1f), "learningRate", -0.1f },
        { () => new Sgd(learningRate: float.NaN), "learningRate", float.NaN },
        { () => new Sgd(learningRate: float.PositiveInfinity), "learningRate", float.PositiveInfinity },
        { () => new Sgd(momentum: -0.5f), "momentum", -0.5f },
        { () => new Sgd(momentum: 1.5f), "momentum", 1.5f },
        { () => new Sgd(momentum: float.NaN), "momentum", float.NaN },
        { () => new RmsProp(learningRate: -1f), "learningRate", -1f },
        { () => new RmsProp(rho: 1f), "rho", 1f },
        { () => new RmsProp(rho: -0.25f), "rho", -0.25f },
        { () => new RmsProp(epsilon: 0f), "epsilon", 0f },
        { () => new RmsProp(epsilon: -1e-7f), "epsilon", -1e-7f },
        { () => new Adam(learningRate: -1f), "learningRate", -1f },
        { () => new Adam(beta1: 1f), "beta1", 1f },
        { () => new Adam(beta1: -0.5f), "beta1", -0.5f },
        { () => new Adam(beta2: 1f), "beta2", 1f },
        { () => new Adam(beta2: float.NaN), "beta2", float.NaN },
        { () => new Adam(epsilon: 0f), "epsilon", 0f },
        { () => new Adam(epsilon: float.PositiveInfinity), "epsilon", float.PositiveInfinity },
    };

    [Theory]
    [MemberData(nameof(InvalidHyperParameters))]
    public void Invalid_hyper_parameters_are_rejected_naming_the_parameter_and_value(Func<Optimizer> create, string parameter, float value)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => create());
        Assert.Equal(parameter, e.ParamName);
        Assert.Equal(value, e.ActualValue);
        Assert.Contains(parameter, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Boundary_hyper_parameters_are_accepted()
    {
        _ = new Sgd(learningRate: 0f, momentum: 1f, nesterov: true);
        _ = new RmsProp(learningRate: 0f, rho: 0f);
        _ = new Adam(beta1: 0f, beta2: 0f, epsilon: float.Epsilon);
    }

    [Fact]
    public void Setting_an_invalid_learning_rate_throws_and_keeps_the_old_one()
    {
        var optimizer = new Adam(learningRate: 0.5f);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.LearningRate = -1f);
        Assert.Contains("LearningRate", e.Message, StringComparison.Ordinal);
        Assert.Equal(-1f, e.ActualValue);
        Assert.Equal(0.5f, optimizer.LearningRate);
    }

    [Fact]
    public void A_gradient_of_another_shape_is_rejected_naming_the_index_and_both_shapes()
    {
        var optimizer = new Adam();
        Tensor[] parameters = [Tensor.Zeros(3), Tensor.Zeros(2, 3)];
        var e = Assert.Throws<ArgumentException>(() => optimizer.Step(parameters, [Tensor.Zeros(3), Tensor.Zeros(3, 2)]));
        Assert.Equal("gradients", e.ParamName);
        Assert.Contains("gradients[1] has shape [3, 2]", e.Message, StringComparison.Ordinal);
        Assert.Contains("parameters[1] has shape [2, 3]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_vector_gradient_for_a_one_row_matrix_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new Sgd().Step([Tensor.Zeros(1, 4)], [Tensor.Zeros(4)]));
        Assert.Contains("gradients[0] has shape [4], but parameters[0] has shape [1, 4]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Counts_that_differ_and_null_elements_are_rejected()
    {
        var optimizer = new Sgd();
        var count = Assert.Throws<ArgumentException>(() => optimizer.Step([Tensor.Zeros(1), Tensor.Zeros(1)], [Tensor.Zeros(1)]));
        Assert.Contains("2 parameters but 1 gradients", count.Message, StringComparison.Ordinal);
        var nullGradient = Assert.Throws<ArgumentException>(() => optimizer.Step([Tensor.Zeros(1)], [null!]));
        Assert.Contains("gradients[0] is null", nullGradient.Message, StringComparison.Ordinal);
        var nullParameter = Assert.Throws<ArgumentException>(() => optimizer.Step([null!], [Tensor.Zeros(1)]));
        Assert.Contains("parameters[0] is null", nullParameter.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => optimizer.Step(null!, [Tensor.Zeros(1)]));
        Assert.Throws<ArgumentNullException>(() => optimizer.Step([Tensor.Zeros(1)], null!));
    }

    [Fact]
    public void Parameters_whose_shapes_change_after_the_first_step_are_rejected()
    {
        foreach (Optimizer optimizer in new Optimizer[] { new Sgd(), new Sgd(momentum: 0.9f), new RmsProp(), new Adam() })
        {
            optimizer.Step([Tensor.Zeros(2, 3), Tensor.Zeros(3)], [Tensor.Zeros(2, 3), Tensor.Zeros(3)]);

            var shape = Assert.Throws<ArgumentException>(() =>
                optimizer.Step([Tensor.Zeros(2, 3), Tensor.Zeros(4)], [Tensor.Zeros(2, 3), Tensor.Zeros(4)]));
            Assert.Contains("parameters[1] has shape [4], but had shape [3] on this optimizer's first step", shape.Message, StringComparison.Ordinal);

            var count = Assert.Throws<ArgumentException>(() => optimizer.Step([Tensor.Zeros(2, 3)], [Tensor.Zeros(2, 3)]));
            Assert.Contains("state for 2 parameters", count.Message, StringComparison.Ordinal);
            Assert.Equal(1, optimizer.Iterations);
        }
    }

    [Fact]
    public void A_rejected_step_changes_nothing()
    {
        var optimizer = new Adam(learningRate: 0.1f);
        Tensor first = Tensor.FromArray([1f, 2f]);
        Tensor second = Tensor.FromArray([3f]);

        Assert.Throws<ArgumentException>(() => optimizer.Step([first, second], [Tensor.FromArray([1f, 1f]), Tensor.Zeros(2)]));

        Assert.Equal([1f, 2f], first.AsSpan().ToArray());
        Assert.Equal(0, optimizer.Iterations);
        // No state was created by the rejected step, so another parameter list may still be the first.
        optimizer.Step([second], [Tensor.FromArray([1f])]);
        Assert.Equal(3f - 0.1f, second[0], 1e-6f);
    }

    public static TheoryData<string> OptimizerNames => new() { "Sgd", "Sgd momentum", "Sgd nesterov", "RmsProp", "Adam" };

    private static Optimizer Create(string name) => name switch
    {
        "Sgd" => new Sgd(),
        "Sgd momentum" => new Sgd(momentum: 0.9f),
        "Sgd nesterov" => new Sgd(momentum: 0.9f, nesterov: true),
        "RmsProp" => new RmsProp(),
        _ => new Adam(),
    };

    [Theory]
    [MemberData(nameof(OptimizerNames))]
    public void Steps_after_the_first_allocate_nothing(string name)
    {
        Optimizer optimizer = Create(name);
        var random = new Random(7);
        List<Tensor> parameters = [Initializers.GlorotUniform(64, 33, random), Tensor.Zeros(33), Tensor.Zeros(5)];
        List<Tensor> gradients = [Initializers.GlorotUniform(64, 33, random), Tensor.FromArray(new float[33]), Tensor.Zeros(5)];
        gradients[1].AsSpan().Fill(0.5f);

        optimizer.Step(parameters, gradients); // creates the state
        optimizer.Step(parameters, gradients);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++)
        {
            optimizer.Step(parameters, gradients);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(202, optimizer.Iterations);
        Assert.True(float.IsFinite(parameters[0][0]));
    }
}
