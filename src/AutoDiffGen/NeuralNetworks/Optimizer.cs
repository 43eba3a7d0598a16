using System;
using System.Collections.Generic;
using AutoDiffGen.Tensors;

namespace AutoDiffGen.NeuralNetworks;

/// <summary>
/// Updates a model's parameters in place from their gradients, one <see cref="Step"/> per batch, with the update rules
/// and defaults of the Keras optimizer of the same name.
/// </summary>
/// <remarks>
/// <para>
/// An optimizer keeps per-parameter state (momentum, moving averages) that it creates on the first step, sized like the
/// parameters, and reuses on every later step; after the first step a step allocates nothing. The state belongs to one
/// parameter list: later steps must pass parameters of the same count and shapes, in the same order, or the step
/// throws. Use a new optimizer for a different model.
/// </para>
/// <para>
/// An optimizer is not thread-safe; step it from one thread at a time. The optimizers are <see cref="Sgd"/>,
/// <see cref="RmsProp"/> and <see cref="Adam"/>; the class cannot be derived from outside this library.
/// </para>
/// </remarks>
public abstract class Optimizer
{
    private float _learningRate;
    private Shape[]? _shapes;
    private float[][]? _state;

    private protected Optimizer(float learningRate)
    {
        _learningRate = RequireNonNegative(learningRate, nameof(learningRate));
    }

    /// <summary>The step size; it may be changed between steps (for a schedule). Must be finite and non-negative.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, infinite or NaN.</exception>
    public float LearningRate
    {
        get => _learningRate;
        set => _learningRate = float.IsFinite(value) && value >= 0f
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"{nameof(LearningRate)} must be finite and non-negative, but was {value}.");
    }

    /// <summary>
    /// A learning rate per step, or null (the default) for the constant <see cref="LearningRate"/>. When set, every step
    /// first sets <see cref="LearningRate"/> to <c>Schedule.LearningRateAt(Iterations)</c>, as Keras does for an optimizer
    /// given a schedule as its <c>learning_rate</c>; <see cref="LearningRate"/> then reads the rate of the last step.
    /// </summary>
    public LearningRateSchedule? Schedule { get; set; }

    /// <summary>The number of steps taken so far (Keras' <c>iterations</c>); the next step is step <c>Iterations + 1</c>.</summary>
    public long Iterations { get; private set; }

    /// <summary>The number of state arrays each parameter needs: 0 for plain SGD, 1 for a velocity, 2 for Adam.</summary>
    private protected abstract int StateCount { get; }

    /// <summary>
    /// Updates each of <paramref name="parameters"/> in place from the gradient at the same index in
    /// <paramref name="gradients"/>, then increments <see cref="Iterations"/>.
    /// </summary>
    /// <param name="parameters">The tensors to update; the same count, shapes and order on every step.</param>
    /// <param name="gradients">The gradient of the loss with respect to each parameter, shaped like it.</param>
    /// <exception cref="ArgumentNullException">Either list is null.</exception>
    /// <exception cref="ArgumentException">
    /// The counts differ, an element is null, a gradient's shape differs from its parameter's, or the parameters differ in
    /// count or shape from those of the first step. Nothing is updated when this is thrown.
    /// </exception>
    /// <exception cref="InvalidOperationException">
    /// The <see cref="Schedule"/> gave a negative, infinite or NaN learning rate; the message names the schedule, the step
    /// and the value. Nothing is updated when this is thrown.
    /// </exception>
    public void Step(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> gradients)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(gradients);
        Validate(parameters, gradients);
        _state ??= CreateState(parameters);

        ApplySchedule();
        BeginStep(Iterations + 1);
        for (int i = 0; i < parameters.Count; i++)
        {
            Update(i, parameters[i].AsSpan(), gradients[i].AsSpan());
        }
        Iterations++;
    }

    /// <summary>
    /// Starts a step whose updates several threads apply, each to its own parameters (<see cref="StepRange"/>): checks the
    /// lists and fixes the values the step shares. Call <see cref="EndSharedStep"/> once every range is done.
    /// </summary>
    internal void BeginSharedStep(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> gradients)
    {
        Validate(parameters, gradients);
        _state ??= CreateState(parameters);
        ApplySchedule();
        BeginStep(Iterations + 1);
    }

    /// <summary>Applies the step begun by <see cref="BeginSharedStep"/> to parameters <paramref name="first"/> … first + count − 1.</summary>
    internal void StepRange(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> gradients, int first, int count)
    {
        for (int i = first; i < first + count; i++)
        {
            Update(i, parameters[i].AsSpan(), gradients[i].AsSpan());
        }
    }

    /// <summary>Ends a step begun by <see cref="BeginSharedStep"/>.</summary>
    internal void EndSharedStep() => Iterations++;

    private void ApplySchedule()
    {
        if (Schedule is null)
        {
            return;
        }
        float rate = Schedule.LearningRateAt(Iterations);
        _learningRate = float.IsFinite(rate) && rate >= 0f
            ? rate
            : throw new InvalidOperationException(
                $"The learning-rate schedule {Schedule.GetType().Name} gave {rate} for step {Iterations}; a learning rate must be finite and non-negative.");
    }

    /// <summary>Called once per step before the updates, to compute values shared by all parameters.</summary>
    /// <param name="step">The 1-based number of this step (Keras' <c>iterations + 1</c>).</param>
    private protected virtual void BeginStep(long step)
    {
    }

    /// <summary>Applies this step's update to one parameter.</summary>
    /// <param name="index">The parameter's index, for <see cref="State"/>.</param>
    /// <param name="parameter">The parameter's elements, updated in place.</param>
    /// <param name="gradient">The gradient's elements, as many as the parameter's.</param>
    private protected abstract void Update(int index, Span<float> parameter, ReadOnlySpan<float> gradient);

    /// <summary>State array <paramref name="slot"/> of parameter <paramref name="index"/>, as long as the parameter, zero at first.</summary>
    private protected Span<float> State(int index, int slot) => _state![(index * StateCount) + slot];

    /// <summary>Throws unless <paramref name="value"/> is finite and non-negative; returns it.</summary>
    private protected static float RequireNonNegative(float value, string name) =>
        float.IsFinite(value) && value >= 0f
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and non-negative, but was {value}.");

    /// <summary>Throws unless <paramref name="value"/> is finite and positive; returns it.</summary>
    private protected static float RequirePositive(float value, string name) =>
        float.IsFinite(value) && value > 0f
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and positive, but was {value}.");

    /// <summary>Throws unless 0 ≤ <paramref name="value"/> &lt; 1 (or ≤ 1 when <paramref name="allowOne"/>); returns it.</summary>
    private protected static float RequireFraction(float value, string name, bool allowOne)
    {
        bool valid = value >= 0f && (allowOne ? value <= 1f : value < 1f); // false for NaN
        return valid
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [0, {(allowOne ? "1]" : "1)")}, but was {value}.");
    }

    // Checks everything before anything is updated or created, so a rejected step leaves parameters and state as they were.
    // The messages are built only when thrown, so a valid step allocates nothing here.
    private void Validate(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> gradients)
    {
        int count = parameters.Count;
        if (gradients.Count != count)
        {
            throw new ArgumentException($"There are {count} parameters but {gradients.Count} gradients; each parameter needs one gradient.", nameof(gradients));
        }
        if (_shapes is not null && _shapes.Length != count)
        {
            throw new ArgumentException(
                $"This optimizer holds state for {_shapes.Length} parameters from its first step, but {count} were given. Use a new optimizer for a different parameter list.",
                nameof(parameters));
        }
        for (int i = 0; i < count; i++)
        {
            Tensor parameter = parameters[i] ?? throw new ArgumentException($"parameters[{i}] is null.", nameof(parameters));
            Tensor gradient = gradients[i] ?? throw new ArgumentException($"gradients[{i}] is null.", nameof(gradients));
            if (!gradient.HasShapeOf(parameter))
            {
                throw new ArgumentException(
                    $"gradients[{i}] has shape {gradient.ShapeText}, but parameters[{i}] has shape {parameter.ShapeText}; they must match.",
                    nameof(gradients));
            }
            if (_shapes is not null && !_shapes[i].Matches(parameter))
            {
                throw new ArgumentException(
                    $"parameters[{i}] has shape {parameter.ShapeText}, but had shape {_shapes[i]} on this optimizer's first step. Use a new optimizer for a different parameter list.",
                    nameof(parameters));
            }
        }
    }

    private float[][] CreateState(IReadOnlyList<Tensor> parameters)
    {
        var shapes = new Shape[parameters.Count];
        var state = new float[parameters.Count * StateCount][];
        for (int i = 0; i < parameters.Count; i++)
        {
            Tensor parameter = parameters[i];
            shapes[i] = new Shape(parameter.Rank, parameter.Rows, parameter.Columns);
            for (int slot = 0; slot < StateCount; slot++)
            {
                state[(i * StateCount) + slot] = new float[parameter.Length];
            }
        }
        _shapes = shapes;
        return state;
    }

    /// <summary>A parameter's shape on the first step, kept without keeping the tensor.</summary>
    private readonly record struct Shape(int Rank, int Rows, int Columns)
    {
        public bool Matches(Tensor tensor) => tensor.Rank == Rank && tensor.Rows == Rows && tensor.Columns == Columns;

        public override string ToString() => Rank == 1 ? $"[{Columns}]" : $"[{Rows}, {Columns}]";
    }
}
