using System;

namespace AutoDiffGen;

/// <summary>
/// Marks a parameter of a <see cref="DifferentiableAttribute"/> method as data: it keeps its place in the
/// generated signatures but gets no adjoint, and the backward pass does no work for it.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class NoDerivativeAttribute : Attribute
{
}
