using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using AutoDiffGen.Generator.Diagnostics;
using AutoDiffGen.Generator.Ir;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace AutoDiffGen.Generator.Parsing;

/// <summary>
/// Lowers the <see cref="IOperation"/> tree of a method body into IR. Everything it does not understand becomes a
/// diagnostic at the construct's own location, and lowering goes on so that one build reports every problem.
/// It never throws on user code; invalid (half-typed) code sets <see cref="SawInvalidCode"/>.
/// </summary>
internal sealed class OperationLowering
{
    private readonly IMethodSymbol _method;
    private readonly ScalarKind _returnKind;
    private readonly bool _returnsTensor;
    private readonly CancellationToken _cancellationToken;
    private readonly Func<IMethodSymbol, bool> _canDifferentiate;
    private readonly Dictionary<ILocalSymbol, string> _localNames = new(SymbolEqualityComparer.Default);
    private readonly HashSet<string> _usedNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TypeRef> _parameterTypes = new(StringComparer.Ordinal);
    private readonly List<DiagnosticInfo> _diagnostics = new();
    private readonly List<LocalInfo> _locals = new();
    private readonly List<(LocationInfo? Where, string Callee)> _constantCallSites = new();
    // Tensor-valued calls used as arguments get a top-level local of their own, declared before the statement.
    private readonly List<IrStmt> _hoistedTensors = new();
    private int _nesting;
    private int _returnCount;
    private bool _reportedReturn;

    public OperationLowering(
        IMethodSymbol method,
        ScalarKind returnKind,
        bool returnsTensor,
        IReadOnlyList<ParameterIr> parameters,
        Func<IMethodSymbol, bool> canDifferentiate,
        CancellationToken cancellationToken)
    {
        _method = method;
        _canDifferentiate = canDifferentiate;
        _returnKind = returnKind;
        _returnsTensor = returnsTensor;
        _cancellationToken = cancellationToken;
        foreach (ParameterIr parameter in parameters)
        {
            _usedNames.Add(parameter.Name);
            _parameterTypes[parameter.Name] = parameter.Type;
        }
        // Every local name of the body is reserved up front, so renamed locals never take a user's name.
        foreach (string localName in CollectLocalNames(method))
        {
            _usedNames.Add(Identifiers.Escape(localName));
        }
    }

    public IReadOnlyList<DiagnosticInfo> Diagnostics => _diagnostics;

    public IReadOnlyList<LocalInfo> Locals => _locals;

    public bool SawInvalidCode { get; private set; }

    public EquatableArray<IrStmt> LowerBody(IMethodBodyOperation body)
    {
        IBlockOperation? block = body.BlockBody ?? body.ExpressionBody;
        var statements = new List<IrStmt>();
        if (block is not null)
        {
            LowerBlock(block, statements);
        }
        if (_returnsTensor && !SawInvalidCode && !_reportedReturn && (_returnCount != 1 || statements.Count == 0 || statements[statements.Count - 1] is not Return))
        {
            Unsupported(block?.Syntax ?? _method.DeclaringSyntaxReferences[0].GetSyntax(), "a method returning a tensor with a return statement other than its last",
                "compute the result into one tensor local and return it in the method's last statement");
        }
        return statements.ToEquatableArray();
    }

    /// <summary>The names of every local declared anywhere in the method, read from syntax.</summary>
    private static IEnumerable<string> CollectLocalNames(IMethodSymbol method)
    {
        foreach (SyntaxReference reference in method.DeclaringSyntaxReferences)
        {
            foreach (SyntaxNode node in reference.GetSyntax().DescendantNodes())
            {
                switch (node)
                {
                    case VariableDeclaratorSyntax variable:
                        yield return variable.Identifier.ValueText;
                        break;
                    case ForEachStatementSyntax forEach:
                        yield return forEach.Identifier.ValueText;
                        break;
                    case SingleVariableDesignationSyntax designation:
                        yield return designation.Identifier.ValueText;
                        break;
                }
            }
        }
    }

    // ---- statements ----

    private void LowerBlock(IBlockOperation block, List<IrStmt> output)
    {
        if (block.Syntax is UnsafeStatementSyntax || block.Syntax.Parent is UnsafeStatementSyntax)
        {
            Unsupported(block.Syntax.Parent is UnsafeStatementSyntax unsafeStatement ? unsafeStatement : block.Syntax,
                "an unsafe block", "move pointer code into a method that is not [Differentiable]");
            return;
        }
        foreach (IOperation operation in block.Operations)
        {
            LowerStatement(operation, output);
        }
    }

    private void LowerStatement(IOperation operation, List<IrStmt> output)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        int start = output.Count;
        LowerStatementCore(operation, output);
        if (_hoistedTensors.Count > 0)
        {
            output.InsertRange(start, _hoistedTensors);
            _hoistedTensors.Clear();
        }
    }

    private void LowerStatementCore(IOperation operation, List<IrStmt> output)
    {
        switch (operation)
        {
            case IBlockOperation block:
                LowerBlock(block, output);
                break;
            case IVariableDeclarationGroupOperation group:
                foreach (IVariableDeclarationOperation declaration in group.Declarations)
                {
                    foreach (IVariableDeclaratorOperation declarator in declaration.Declarators)
                    {
                        LowerDeclarator(declarator, declaration.Initializer, output);
                    }
                }
                break;
            case IExpressionStatementOperation { Operation: var expression }:
                LowerExpressionStatement(expression, output);
                break;
            case IReturnOperation { ReturnedValue: { } value } when _returnsTensor:
                _returnCount++;
                if (_nesting > 0)
                {
                    _reportedReturn = true;
                    Unsupported(operation.Syntax, "a return inside a branch or loop of a method that returns a tensor",
                        "compute the result into one tensor local and return it in the method's last statement");
                }
                else if (LowerTensorOperand(value, "the returned tensor") is { } returned)
                {
                    if (_parameterTypes.ContainsKey(returned.Name))
                    {
                        _reportedReturn = true;
                        Unsupported(operation.Syntax, "returning a tensor parameter", "return a new tensor: the result must not share storage with an argument");
                    }
                    else
                    {
                        output.Add(new Return(returned));
                    }
                }
                break;
            case IReturnOperation { ReturnedValue: { } value }:
                output.Add(new Return(ConvertTo(LowerExpr(value), _returnKind)));
                break;
            case IReturnOperation { Kind: OperationKind.Return }:
                SawInvalidCode = true; // 'return;' in a method that returns a value
                break;
            case IConditionalOperation conditional:
                output.Add(new If(
                    LowerExpr(conditional.Condition),
                    LowerNested(conditional.WhenTrue),
                    conditional.WhenFalse is null ? EquatableArray<IrStmt>.Empty : LowerNested(conditional.WhenFalse)));
                break;
            case IForLoopOperation forLoop:
                LowerFor(forLoop, output);
                break;
            case IWhileLoopOperation whileLoop:
                output.Add(new Loop(
                    whileLoop.Condition is null ? new Literal(1, ScalarKind.Bool) : LowerExpr(whileLoop.Condition),
                    LowerNested(whileLoop.Body),
                    EquatableArray<IrStmt>.Empty,
                    whileLoop.ConditionIsTop));
                break;
            case IForEachLoopOperation forEach:
                LowerForEach(forEach, output);
                break;
            case IBranchOperation { BranchKind: BranchKind.Break }:
                output.Add(new Break());
                break;
            case IBranchOperation { BranchKind: BranchKind.Continue }:
                output.Add(new Continue());
                break;
            case IEmptyOperation:
                break;
            case IInvalidOperation:
                SawInvalidCode = true;
                break;
            default:
                UnsupportedStatement(operation);
                break;
        }
    }

    private EquatableArray<IrStmt> LowerNested(IOperation operation)
    {
        var nested = new List<IrStmt>();
        _nesting++;
        LowerStatement(operation, nested);
        _nesting--;
        return nested.ToEquatableArray();
    }

    /// <summary>
    /// A tensor operand: a tensor parameter or local as it is, or a call returning a tensor, which gets a fresh
    /// top-level local declared before the statement. Null after reporting anything else.
    /// </summary>
    private VarRef? LowerTensorOperand(IOperation operand, string what)
    {
        IOperation value = Unwrap(operand);
        if (IsVariable(value))
        {
            return LowerExpr(value) as VarRef;
        }
        if (value is IInvocationOperation invocation && TypeMapping.IsTensor(invocation.Type))
        {
            if (_nesting > 0)
            {
                Unsupported(operand.Syntax, $"a call that returns a tensor inside a branch or loop ({what})",
                    "call it at the top level of the method body and keep its result in a local");
                return null;
            }
            int before = _diagnostics.Count;
            IrExpr call = LowerInvocation(invocation);
            if (_diagnostics.Count > before || SawInvalidCode)
            {
                return null;
            }
            if (call is not DiffCall)
            {
                UnsupportedExpression(invocation, "a call that returns a tensor must be to a [Differentiable] method or a primitive with a [DerivativeOf] pullback");
                return null;
            }
            string name = FreshLocal(Identifiers.Escape(char.ToLowerInvariant(invocation.TargetMethod.Name[0]) + invocation.TargetMethod.Name.Substring(1)), TypeRef.Tensor);
            _hoistedTensors.Add(new Assign(name, null, call, Declares: true));
            return new VarRef(name, ScalarKind.Float, ValueShape.Tensor);
        }
        if (!SawInvalidCode)
        {
            UnsupportedExpression(operand, $"{what} must be a tensor variable or a call that returns a tensor");
        }
        return null;
    }

    private void LowerDeclarator(IVariableDeclaratorOperation declarator, IVariableInitializerOperation? sharedInitializer, List<IrStmt> output)
    {
        ILocalSymbol local = declarator.Symbol;
        if (local.IsConst)
        {
            return; // Every use of a constant is folded to its value.
        }
        if (local.RefKind != RefKind.None)
        {
            Unsupported(declarator.Syntax, "a ref local", "use an ordinary local");
            return;
        }
        TypeRef type = TypeMapping.From(local.Type);
        if (local.Type.TypeKind == TypeKind.Error)
        {
            SawInvalidCode = true;
            return;
        }
        if (type.Element == ScalarKind.Other || type.Shape is ValueShape.Span or ValueShape.ReadOnlySpan)
        {
            Unsupported(declarator.Syntax, $"a local of type '{local.Type.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}'",
                "locals must be double, float, int, long, bool or an array of those");
            return;
        }
        string name = DeclareLocal(local, type); // declared even when refused, so that its uses report nothing more
        if (type.IsTensor && _nesting > 0)
        {
            Unsupported(declarator.Syntax, "a tensor local declared inside a branch or loop",
                "declare tensor locals at the top level of the method body and fill their elements inside loops");
            return;
        }
        IOperation? initializer = (declarator.Initializer ?? sharedInitializer)?.Value;
        if (initializer is not null)
        {
            output.Add(new Assign(name, null, LowerAssignedValue(initializer, type), Declares: true));
        }
    }

    private string DeclareLocal(ILocalSymbol local, TypeRef type)
    {
        if (_localNames.TryGetValue(local, out string? existing))
        {
            return existing;
        }
        if (_localNames.Keys.Any(other => other.Name == local.Name && ScopeOf(other)?.Span.Contains(DeclaratorSpan(local)) == true))
        {
            SawInvalidCode = true; // a local declared twice in one scope: the compiler reports it
        }
        string baseName = Identifiers.Escape(local.Name);
        string name = baseName;
        // A local that reuses a name from a sibling scope is renamed, since all locals share one scope in generated code.
        if (_locals.Any(l => l.Name == name))
        {
            for (int suffix = 1; _usedNames.Contains(name) ; suffix++)
            {
                name = baseName + "_" + suffix.ToString(CultureInfo.InvariantCulture);
            }
        }
        _usedNames.Add(name);
        _localNames[local] = name;
        _locals.Add(new LocalInfo(name, type));
        return name;
    }

    private static Microsoft.CodeAnalysis.Text.TextSpan DeclaratorSpan(ILocalSymbol local) =>
        local.DeclaringSyntaxReferences.FirstOrDefault()?.Span ?? default;

    /// <summary>The block or loop statement that a local's name is visible in.</summary>
    private static SyntaxNode? ScopeOf(ILocalSymbol local) =>
        local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax().Ancestors()
            .FirstOrDefault(n => n is BlockSyntax or ForStatementSyntax or ForEachStatementSyntax or SwitchSectionSyntax or UsingStatementSyntax or ArrowExpressionClauseSyntax);

    private string FreshLocal(string baseName, TypeRef type)
    {
        string name = baseName;
        for (int suffix = 1; _usedNames.Contains(name); suffix++)
        {
            name = baseName + suffix.ToString(CultureInfo.InvariantCulture);
        }
        _usedNames.Add(name);
        _locals.Add(new LocalInfo(name, type));
        return name;
    }

    private IrExpr LowerAssignedValue(IOperation value, TypeRef targetType)
    {
        if (targetType.IsTensor)
        {
            return LowerTensorValue(Unwrap(value));
        }
        if (targetType.Shape == ValueShape.Array)
        {
            if (value is IArrayCreationOperation { DimensionSizes.Length: 1, Initializer: null } creation)
            {
                return new NewArray(ConvertTo(LowerExpr(creation.DimensionSizes[0]), ScalarKind.Int32), targetType.Element);
            }
            if (value is IInvalidOperation || value.Type?.TypeKind == TypeKind.Error)
            {
                SawInvalidCode = true;
                return new Literal(0, ScalarKind.Int32);
            }
            Unsupported(value.Syntax, "an array local that is not created with 'new T[length]'",
                "create local arrays with 'new double[n]' and fill them element by element");
            return new Literal(0, ScalarKind.Int32);
        }
        return ConvertTo(LowerExpr(value), targetType.Element);
    }

    /// <summary>
    /// The value a tensor local is declared with: a new zero tensor, or a call that returns a tensor. Anything else
    /// (another variable, say) would make two names share storage, which the reverse sweep cannot follow.
    /// </summary>
    private IrExpr LowerTensorValue(IOperation value)
    {
        switch (value)
        {
            case IObjectCreationOperation { Constructor: { } constructor, Initializer: null } creation
                when TypeMapping.IsTensor(creation.Type) && constructor.Parameters.All(p => p.Type.SpecialType == SpecialType.System_Int32):
                return new NewTensor(creation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0)
                    .Select(a => ConvertTo(LowerExpr(a.Value), ScalarKind.Int32)).ToEquatableArray(), null);
            case IInvocationOperation { TargetMethod: { IsStatic: true, Name: "Zeros" } zeros } call
                when TypeMapping.IsTensor(zeros.ContainingType) && zeros.Parameters.All(p => p.Type.SpecialType == SpecialType.System_Int32):
                return new NewTensor(call.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0)
                    .Select(a => ConvertTo(LowerExpr(a.Value), ScalarKind.Int32)).ToEquatableArray(), null);
            case IInvocationOperation { TargetMethod: { IsStatic: true, Name: "ZerosLike" } zerosLike, Arguments.Length: 1 } call
                when TypeMapping.IsTensor(zerosLike.ContainingType):
                return LowerSequence(call.Arguments[0].Value) is { } like
                    ? new NewTensor(EquatableArray<IrExpr>.Empty, like.Name)
                    : UnsupportedExpression(call, "the tensor passed to ZerosLike must be a variable");
            case IInvocationOperation invocation:
            {
                int before = _diagnostics.Count;
                IrExpr call = LowerInvocation(invocation);
                return call is DiffCall { Callee.ReturnsTensor: true } || _diagnostics.Count > before || SawInvalidCode
                    ? call
                    : UnsupportedExpression(invocation, "a call that returns a tensor must be to a [Differentiable] method or a primitive with a [DerivativeOf] pullback");
            }
            case IInvalidOperation:
                SawInvalidCode = true;
                return new Literal(0, ScalarKind.Int32);
            default:
                if (value.Type?.TypeKind == TypeKind.Error)
                {
                    SawInvalidCode = true;
                    return new Literal(0, ScalarKind.Int32);
                }
                Unsupported(value.Syntax, "a tensor local initialized with something other than a new tensor or a call",
                    "create it with 'new Tensor(rows, columns)', 'Tensor.Zeros', 'Tensor.ZerosLike' or a call to a [Differentiable] method; two locals must not share one tensor");
                return new Literal(0, ScalarKind.Int32);
        }
    }

    private void LowerExpressionStatement(IOperation expression, List<IrStmt> output)
    {
        switch (expression)
        {
            case ISimpleAssignmentOperation assignment:
                if (LowerTarget(assignment.Target, out string assigned, out IrExpr? assignedIndex, out TypeRef assignedType))
                {
                    if (assignedType.IsTensor && assignedIndex is null)
                    {
                        Unsupported(assignment.Syntax, "assigning a whole tensor local after its declaration",
                            "give each tensor value a local of its own, or assign its elements");
                        break;
                    }
                    output.Add(new Assign(assigned, assignedIndex, assignedIndex is null
                        ? LowerAssignedValue(assignment.Value, assignedType)
                        : ConvertTo(LowerExpr(assignment.Value), assignedType.Element)));
                }
                break;
            case ICompoundAssignmentOperation compound:
                if (compound.OperatorMethod is not null)
                {
                    UnsupportedExpression(compound, "it calls a user-defined operator");
                }
                else if (LowerTarget(compound.Target, out string target, out IrExpr? index, out TypeRef type))
                {
                    IrExpr current = index is null ? new VarRef(target, type.Element) : new ElementRef(target, index, type.Element);
                    IrExpr value = LowerBinary(compound.OperatorKind, current, LowerExpr(compound.Value), compound);
                    output.Add(new Assign(target, index, ConvertTo(value, type.Element)));
                }
                break;
            case IIncrementOrDecrementOperation increment:
                if (LowerTarget(increment.Target, out string incremented, out IrExpr? incrementIndex, out TypeRef incrementedType))
                {
                    IrExpr current = incrementIndex is null
                        ? new VarRef(incremented, incrementedType.Element)
                        : new ElementRef(incremented, incrementIndex, incrementedType.Element);
                    BinaryOp op = increment.Kind == OperationKind.Increment ? BinaryOp.Add : BinaryOp.Subtract;
                    output.Add(new Assign(incremented, incrementIndex, new Binary(op, current, new Literal(1, incrementedType.Element), incrementedType.Element)));
                }
                break;
            case IInvalidOperation:
                SawInvalidCode = true;
                break;
            case IInvocationOperation invocation:
                Unsupported(invocation.Syntax, $"a call whose result is discarded ('{Describe(invocation.TargetMethod)}')",
                    "a [Differentiable] method computes its result from its inputs only; remove the call or use its value");
                break;
            case IThrowOperation:
                Unsupported(expression.Syntax, "a throw statement", "validate the arguments before calling the [Differentiable] method");
                break;
            default:
                UnsupportedExpression(expression, "only assignments, compound assignments, ++ and -- can stand as statements");
                break;
        }
    }

    /// <summary>Resolves an assignment target: a local or scalar parameter, or an element of a local array.</summary>
    private bool LowerTarget(IOperation target, out string name, out IrExpr? index, out TypeRef type)
    {
        name = string.Empty;
        index = null;
        type = TypeRef.Scalar(ScalarKind.Other);
        switch (target)
        {
            case ILocalReferenceOperation local when _localNames.TryGetValue(local.Local, out string? localName):
                name = localName;
                type = _locals.First(l => l.Name == localName).Type;
                return true;
            case IParameterReferenceOperation parameter when _parameterTypes.TryGetValue(Identifiers.Escape(parameter.Parameter.Name), out TypeRef? parameterType):
                if (!parameterType.IsScalar)
                {
                    AssignmentToNonLocal(target, "a parameter array or span");
                    return false;
                }
                name = Identifiers.Escape(parameter.Parameter.Name);
                type = parameterType;
                return true;
            case IArrayElementReferenceOperation { ArrayReference: ILocalReferenceOperation arrayLocal, Indices.Length: 1 } element
                when _localNames.TryGetValue(arrayLocal.Local, out string? arrayName):
                name = arrayName;
                type = _locals.First(l => l.Name == arrayName).Type;
                index = ConvertTo(LowerExpr(element.Indices[0]), ScalarKind.Int32);
                return true;
            case IPropertyReferenceOperation { Property.IsIndexer: true, Instance: ILocalReferenceOperation tensorLocal } tensorElement
                when _localNames.TryGetValue(tensorLocal.Local, out string? tensorName) && TypeMapping.IsTensor(tensorLocal.Type):
                name = tensorName;
                type = TypeRef.Tensor;
                index = TensorIndex(tensorName, tensorElement.Arguments);
                return true;
            case IArrayElementReferenceOperation { ArrayReference: IParameterReferenceOperation }:
            case IPropertyReferenceOperation { Property.IsIndexer: true, Instance: IParameterReferenceOperation }:
                AssignmentToNonLocal(target, "an element of a parameter");
                return false;
            case IFieldReferenceOperation:
            case IPropertyReferenceOperation:
                AssignmentToNonLocal(target, "a field or property");
                return false;
            case IInvalidOperation:
                SawInvalidCode = true;
                return false;
            default:
                if (target.Type?.TypeKind == TypeKind.Error)
                {
                    SawInvalidCode = true;
                    return false;
                }
                AssignmentToNonLocal(target, "not a local variable");
                return false;
        }
    }

    private void LowerFor(IForLoopOperation forLoop, List<IrStmt> output)
    {
        foreach (IOperation before in forLoop.Before)
        {
            LowerStatement(before, output);
        }
        var step = new List<IrStmt>();
        foreach (IOperation bottom in forLoop.AtLoopBottom)
        {
            LowerStatement(bottom, step);
        }
        IrExpr condition = forLoop.Condition is null ? new Literal(1, ScalarKind.Bool) : LowerExpr(forLoop.Condition);
        output.Add(new Loop(condition, LowerNested(forLoop.Body), step.ToEquatableArray(), TestFirst: true));
    }

    private void LowerForEach(IForEachLoopOperation forEach, List<IrStmt> output)
    {
        IOperation collection = forEach.Collection is IConversionOperation { IsImplicit: true } conversion ? conversion.Operand : forEach.Collection;
        IrExpr sequence = LowerExpr(collection);
        if (sequence is not VarRef { Shape: not ValueShape.Scalar } array ||
            forEach.LoopControlVariable is not IVariableDeclaratorOperation { Symbol: var element })
        {
            if (!SawInvalidCode)
            {
                Unsupported(forEach.Syntax, "a foreach loop over something other than an array or span variable",
                    "iterate over an array or span parameter or local, or use a for loop");
            }
            return;
        }
        TypeRef elementType = TypeMapping.From(element.Type);
        string elementName = DeclareLocal(element, elementType);
        string index = FreshLocal(elementName + "Index", TypeRef.Scalar(ScalarKind.Int32));
        var body = new List<IrStmt>
        {
            new Assign(elementName, null, ConvertTo(new ElementRef(array.Name, new VarRef(index, ScalarKind.Int32), array.Kind), elementType.Element)),
        };
        LowerStatement(forEach.Body, body);
        output.Add(new Assign(index, null, new Literal(0, ScalarKind.Int32)));
        output.Add(new Loop(
            new Binary(BinaryOp.Less, new VarRef(index, ScalarKind.Int32), new LengthOf(array.Name), ScalarKind.Bool),
            body.ToEquatableArray(),
            EquatableArray.Of<IrStmt>(new Assign(index, null, new Binary(BinaryOp.Add, new VarRef(index, ScalarKind.Int32), new Literal(1, ScalarKind.Int32), ScalarKind.Int32))),
            TestFirst: true));
    }

    // ---- expressions ----

    private IrExpr LowerExpr(IOperation operation)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        if (operation.Type?.TypeKind == TypeKind.Error || operation is IInvalidOperation)
        {
            SawInvalidCode = true;
            return new Literal(0, ScalarKind.Double);
        }
        ScalarKind kind = TypeMapping.ScalarKindOf(operation.Type);
        if (operation.ConstantValue is { HasValue: true, Value: { } constant } && kind != ScalarKind.Other)
        {
            return new Literal(constant is bool b ? (b ? 1 : 0) : Convert.ToDouble(constant, CultureInfo.InvariantCulture), kind);
        }
        switch (operation)
        {
            case IParameterReferenceOperation parameter:
                return Reference(operation, Identifiers.Escape(parameter.Parameter.Name), parameter.Parameter.Type);
            case ILocalReferenceOperation local when _localNames.TryGetValue(local.Local, out string? localName):
                return Reference(operation, localName, local.Local.Type);
            case IFieldReferenceOperation { Field.IsStatic: true, Instance: null } field:
                return Reference(operation, field.Field.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "." + Identifiers.Escape(field.Field.Name), field.Field.Type);
            case IArrayElementReferenceOperation { Indices.Length: 1 } element:
                return LowerElement(operation, element.ArrayReference, element.Indices[0]);
            case IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } tensor } tensorIndexer
                when TypeMapping.IsTensor(tensor.Type):
            {
                int before = _diagnostics.Count;
                return LowerSequence(tensor) is VarRef tensorVariable
                    ? new ElementRef(tensorVariable.Name, TensorIndex(tensorVariable.Name, tensorIndexer.Arguments), ScalarKind.Float)
                    : UnsupportedOnce(operation, "elements can be read only from a tensor variable", before);
            }
            case IPropertyReferenceOperation { Property.Name: "Rows" or "Columns" or "Length", Instance: { } shaped } dimension
                when TypeMapping.IsTensor(shaped.Type):
            {
                int before = _diagnostics.Count;
                return LowerSequence(shaped) is VarRef tensorVariable
                    ? new DimensionOf(tensorVariable.Name, dimension.Property.Name switch
                    {
                        "Rows" => TensorDimension.Rows,
                        "Columns" => TensorDimension.Columns,
                        _ => TensorDimension.Length,
                    })
                    : UnsupportedOnce(operation, "only the shape of a tensor variable can be read", before);
            }
            case IPropertyReferenceOperation { Property.IsIndexer: true, Arguments.Length: 1, Instance: { } instance } indexer
                when TypeMapping.From(instance.Type!).IsSequence:
                return LowerElement(operation, instance, indexer.Arguments[0].Value);
            case IPropertyReferenceOperation { Property.Name: "Length", Instance: { } lengthOf }
                when TypeMapping.From(lengthOf.Type!).IsSequence:
            {
                int before = _diagnostics.Count;
                return LowerSequence(lengthOf) is VarRef sequence
                    ? new LengthOf(sequence.Name)
                    : UnsupportedOnce(operation, "only the length of an array or span variable can be read", before);
            }
            case IThrowOperation:
                return UnsupportedExpression(operation, "a throw expression; validate the arguments before calling the [Differentiable] method");
            case IConversionOperation conversion:
                return LowerConversion(conversion, kind);
            case IUnaryOperation unary when unary.OperatorMethod is null:
                return unary.OperatorKind switch
                {
                    UnaryOperatorKind.Plus => LowerExpr(unary.Operand),
                    UnaryOperatorKind.Minus when kind != ScalarKind.Other => new Unary(UnaryOp.Negate, ConvertTo(LowerExpr(unary.Operand), kind), kind),
                    UnaryOperatorKind.Not when kind == ScalarKind.Bool => new Unary(UnaryOp.Not, LowerExpr(unary.Operand), kind),
                    _ => UnsupportedExpression(operation, $"the operator '{unary.OperatorKind}' is not supported"),
                };
            case IBinaryOperation binary when binary.OperatorMethod is null:
                return LowerBinary(binary.OperatorKind, LowerExpr(binary.LeftOperand), LowerExpr(binary.RightOperand), binary);
            case IConditionalOperation { WhenFalse: { } whenFalse, IsRef: false } ternary when kind != ScalarKind.Other:
                return new Conditional(
                    LowerExpr(ternary.Condition),
                    ConvertTo(LowerExpr(ternary.WhenTrue), kind),
                    ConvertTo(LowerExpr(whenFalse), kind),
                    kind);
            case IInvocationOperation invocation:
                return LowerInvocation(invocation);
            case IArrayCreationOperation:
                return UnsupportedExpression(operation, "arrays can be created only as the initial value of a local, as 'double[] a = new double[n]'");
            case ISimpleAssignmentOperation or ICompoundAssignmentOperation or IIncrementOrDecrementOperation:
                return UnsupportedExpression(operation, "an assignment inside an expression; make it a statement of its own");
            case IUnaryOperation or IBinaryOperation:
                return UnsupportedExpression(operation, "it calls a user-defined operator");
            default:
                return UnsupportedExpression(operation, kind == ScalarKind.Other && operation.Type is not null
                    ? $"values of type '{operation.Type.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}' are not supported"
                    : "this kind of expression is not supported");
        }
    }

    private IrExpr Reference(IOperation operation, string name, ITypeSymbol type)
    {
        TypeRef typeRef = TypeMapping.From(type);
        if (typeRef.Element == ScalarKind.Other)
        {
            return UnsupportedExpression(operation, $"values of type '{type.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)}' are not supported");
        }
        return new VarRef(name, typeRef.Element, typeRef.Shape);
    }

    /// <summary>A parameter, local or static field, possibly behind an implicit conversion (array to span).</summary>
    private static bool IsVariable(IOperation operation) => Unwrap(operation) is IParameterReferenceOperation or ILocalReferenceOperation or IFieldReferenceOperation;

    private static IOperation Unwrap(IOperation operation) =>
        operation is IConversionOperation { IsImplicit: true } conversion ? Unwrap(conversion.Operand) : operation;

    /// <summary>An array or span variable, or null after reporting what the expression is instead.</summary>
    private VarRef? LowerSequence(IOperation sequence) =>
        LowerExpr(sequence) is VarRef { Shape: not ValueShape.Scalar } array && IsVariable(sequence) ? array : null;

    /// <summary>Reports <paramref name="reason"/> unless lowering a part of <paramref name="operation"/> already reported something.</summary>
    private IrExpr UnsupportedOnce(IOperation operation, string reason, int diagnosticsBefore) =>
        _diagnostics.Count > diagnosticsBefore || SawInvalidCode
            ? new Literal(0, ScalarKind.Double)
            : UnsupportedExpression(operation, reason);

    private IrExpr LowerElement(IOperation operation, IOperation sequence, IOperation index)
    {
        int before = _diagnostics.Count;
        if (LowerSequence(sequence) is not VarRef array)
        {
            return UnsupportedOnce(operation, "elements can be read only from an array or span variable", before);
        }
        return new ElementRef(array.Name, ConvertTo(LowerExpr(index), ScalarKind.Int32), array.Kind);
    }

    /// <summary>The row-major position of <c>t[i]</c> or <c>t[r, c]</c>.</summary>
    private IrExpr TensorIndex(string tensor, ImmutableArray<IArgumentOperation> arguments)
    {
        IrExpr[] indices = arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0).Select(a => ConvertTo(LowerExpr(a.Value), ScalarKind.Int32)).ToArray();
        return indices.Length == 2
            ? new Binary(BinaryOp.Add, new Binary(BinaryOp.Multiply, indices[0], new DimensionOf(tensor, TensorDimension.Columns), ScalarKind.Int32), indices[1], ScalarKind.Int32)
            : indices[0];
    }

    private IrExpr LowerConversion(IConversionOperation conversion, ScalarKind target)
    {
        Conversion semantics = conversion.GetConversion();
        if (!semantics.Exists || (conversion.IsImplicit && !semantics.IsImplicit))
        {
            SawInvalidCode = true; // for example a double assigned to an int: the compiler reports it
            return new Literal(0, target == ScalarKind.Other ? ScalarKind.Double : target);
        }
        if (conversion.OperatorMethod is not null)
        {
            return UnsupportedExpression(conversion, "it calls a user-defined conversion");
        }
        ITypeSymbol? sourceType = conversion.Operand.Type;
        TypeRef source = sourceType is null ? TypeRef.Scalar(ScalarKind.Other) : TypeMapping.From(sourceType);
        if (source.IsSequence && conversion.Type is not null && TypeMapping.From(conversion.Type).IsSequence)
        {
            return LowerExpr(conversion.Operand); // array to span: the same data
        }
        IrExpr operand = LowerExpr(conversion.Operand);
        if (target == ScalarKind.Other || operand.Kind == ScalarKind.Other || (target == ScalarKind.Bool) != (operand.Kind == ScalarKind.Bool))
        {
            return operand is Literal ? operand : UnsupportedExpression(conversion, "only conversions between double, float, int and long are supported");
        }
        return ConvertTo(operand, target);
    }

    private IrExpr LowerBinary(BinaryOperatorKind operatorKind, IrExpr left, IrExpr right, IOperation operation)
    {
        BinaryOp? op = operatorKind switch
        {
            BinaryOperatorKind.Add => BinaryOp.Add,
            BinaryOperatorKind.Subtract => BinaryOp.Subtract,
            BinaryOperatorKind.Multiply => BinaryOp.Multiply,
            BinaryOperatorKind.Divide => BinaryOp.Divide,
            BinaryOperatorKind.Remainder => BinaryOp.Remainder,
            BinaryOperatorKind.LessThan => BinaryOp.Less,
            BinaryOperatorKind.LessThanOrEqual => BinaryOp.LessOrEqual,
            BinaryOperatorKind.GreaterThan => BinaryOp.Greater,
            BinaryOperatorKind.GreaterThanOrEqual => BinaryOp.GreaterOrEqual,
            BinaryOperatorKind.Equals => BinaryOp.Equal,
            BinaryOperatorKind.NotEquals => BinaryOp.NotEqual,
            BinaryOperatorKind.ConditionalAnd or BinaryOperatorKind.And when left.Kind == ScalarKind.Bool => BinaryOp.And,
            BinaryOperatorKind.ConditionalOr or BinaryOperatorKind.Or when left.Kind == ScalarKind.Bool => BinaryOp.Or,
            _ => null,
        };
        if (op is null || left.Kind == ScalarKind.Other || right.Kind == ScalarKind.Other)
        {
            return UnsupportedExpression(operation, $"the operator '{operatorKind}' is not supported on these operands");
        }
        if (op is BinaryOp.And or BinaryOp.Or)
        {
            return new Binary(op.Value, left, right, ScalarKind.Bool);
        }
        ScalarKind common = Promote(left.Kind, right.Kind);
        bool comparison = op is BinaryOp.Less or BinaryOp.LessOrEqual or BinaryOp.Greater or BinaryOp.GreaterOrEqual or BinaryOp.Equal or BinaryOp.NotEqual;
        return new Binary(op.Value, ConvertTo(left, common), ConvertTo(right, common), comparison ? ScalarKind.Bool : common);
    }

    private static ScalarKind Promote(ScalarKind a, ScalarKind b) =>
        a == ScalarKind.Double || b == ScalarKind.Double ? ScalarKind.Double
        : a == ScalarKind.Float || b == ScalarKind.Float ? ScalarKind.Float
        : a == ScalarKind.Int64 || b == ScalarKind.Int64 ? ScalarKind.Int64
        : a == ScalarKind.Bool && b == ScalarKind.Bool ? ScalarKind.Bool
        : ScalarKind.Int32;

    private static IrExpr ConvertTo(IrExpr value, ScalarKind kind)
    {
        if (value.Kind == kind || kind == ScalarKind.Other)
        {
            return value;
        }
        if (value is Literal literal)
        {
            double converted = kind switch
            {
                ScalarKind.Float => (float)literal.Value,
                ScalarKind.Int32 => Math.Truncate(literal.Value),
                ScalarKind.Int64 => Math.Truncate(literal.Value),
                _ => literal.Value,
            };
            return new Literal(converted, kind);
        }
        return new Cast(value, kind);
    }

    private IrExpr LowerInvocation(IInvocationOperation invocation)
    {
        IMethodSymbol target = invocation.TargetMethod;
        ImmutableArray<IArgumentOperation> arguments = invocation.Arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0).ToImmutableArray();
        if (MathFunctions.TryResolve(target, out MathFunction function))
        {
            ScalarKind kind = TypeMapping.ScalarKindOf(target.ReturnType);
            var args = new List<IrExpr>();
            foreach (IArgumentOperation argument in arguments)
            {
                ScalarKind parameterKind = TypeMapping.ScalarKindOf(argument.Parameter?.Type);
                if (parameterKind == ScalarKind.Other)
                {
                    return UnsupportedExpression(invocation, $"the overload '{Describe(target)}' is not supported");
                }
                args.Add(ConvertTo(LowerExpr(argument.Value), parameterKind));
            }
            return new MathCall(function, args.ToEquatableArray(), kind);
        }

        if (target.MethodKind == MethodKind.LocalFunction)
        {
            return new Literal(0, ScalarKind.Double); // the local function itself is reported (ADG0010)
        }
        bool isDifferentiable = target.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownNames.DifferentiableAttribute);
        if (SymbolEqualityComparer.Default.Equals(target.OriginalDefinition, _method.OriginalDefinition))
        {
            return Report(DiagnosticDescriptors.Recursion, invocation.Syntax, _method.Name);
        }
        if (isDifferentiable && !target.DeclaringSyntaxReferences.IsEmpty && !_canDifferentiate(target))
        {
            return Report(DiagnosticDescriptors.CalleeNotDifferentiable, invocation.Syntax, Describe(target), _method.Name);
        }
        bool returnsTensor = TypeMapping.IsTensor(target.ReturnType);
        ScalarKind returnKind = returnsTensor ? ScalarKind.Float : TypeMapping.ScalarKindOf(target.ReturnType);
        string pullbackType = target.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        string pullbackName = target.Name + "Pullback";
        if (!isDifferentiable || !target.IsStatic || target.IsGenericMethod || target.ReturnsByRef || !returnKind.IsReal())
        {
            // Not generated: a hand-written pullback registered with [DerivativeOf] may still make it callable.
            CustomDerivatives.Lookup lookup = target.IsStatic && !target.IsGenericMethod && returnKind.IsReal()
                ? CustomDerivatives.Find(target, _method.ContainingType)
                : new CustomDerivatives.Lookup();
            if (lookup.Pullback is null)
            {
                if (lookup.Mismatched.Count > 0)
                {
                    return Report(DiagnosticDescriptors.PullbackSignatureMismatch, invocation.Syntax,
                        Describe(lookup.Mismatched[0]), Describe(target), CustomDerivatives.ActualSignature(lookup.Mismatched[0]), CustomDerivatives.ExpectedSignature(target));
                }
                // Without a derivative the call can still be a constant, if no argument depends on a differentiable
                // parameter; the parser checks that once activity is known, and reports ADG0012 here otherwise.
                return LowerConstantCall(invocation, target, arguments) ?? Report(DiagnosticDescriptors.NonDifferentiableCall, invocation.Syntax, Describe(target));
            }
            pullbackType = lookup.Pullback.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            pullbackName = lookup.Pullback.Name;
        }
        else if (target.DeclaringSyntaxReferences.IsEmpty && target.ContainingType.GetMembers(pullbackName).IsEmpty)
        {
            return Report(DiagnosticDescriptors.MissingPullback, invocation.Syntax, Describe(target), target.ContainingType.ToDisplayString(), pullbackName);
        }

        var parameters = new List<CalleeParameter>();
        var calleeArgs = new List<IrExpr>();
        foreach (IArgumentOperation argument in arguments)
        {
            IParameterSymbol? parameter = argument.Parameter;
            if (parameter is null || parameter.RefKind != RefKind.None)
            {
                return UnsupportedExpression(invocation, "arguments passed by ref, out or in are not supported");
            }
            TypeRef parameterType = TypeMapping.From(parameter.Type);
            parameters.Add(new CalleeParameter(parameterType, CustomDerivatives.IsDifferentiable(parameter)));
            if (parameterType.IsTensor)
            {
                if (LowerTensorOperand(argument.Value, $"the argument for '{parameter.Name}'") is not { } tensorArgument)
                {
                    return new Literal(0, returnKind);
                }
                calleeArgs.Add(tensorArgument);
            }
            else if (parameterType.IsSequence)
            {
                if (!IsVariable(argument.Value) || LowerExpr(argument.Value) is not VarRef { Shape: not ValueShape.Scalar } sequence)
                {
                    Report(DiagnosticDescriptors.UnsupportedArgument, argument.Syntax, FirstLine(argument.Syntax), parameter.Name, target.Name);
                    return new Literal(0, returnKind);
                }
                calleeArgs.Add(sequence);
            }
            else
            {
                calleeArgs.Add(ConvertTo(LowerExpr(argument.Value), parameterType.Element));
            }
        }
        var callee = new CalleeInfo(
            target.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            target.Name,
            parameters.ToEquatableArray(),
            returnKind,
            pullbackType,
            pullbackName,
            returnsTensor,
            HasState: returnsTensor && isDifferentiable && pullbackName == target.Name + "Pullback" &&
                (!target.DeclaringSyntaxReferences.IsEmpty || !target.ContainingType.GetMembers(target.Name + "Backward").IsEmpty),
            IntoName: returnsTensor && !isDifferentiable && HasInto(target) ? target.Name + "Into" : null);
        return new DiffCall(callee, calleeArgs.ToEquatableArray());
    }

    /// <summary>
    /// Whether the tensor primitive has <c>static Tensor NameInto(its parameters..., Tensor? destination)</c>, which
    /// writes its result into <c>destination</c> when the shape fits (and returns it), or into a new tensor.
    /// </summary>
    private static bool HasInto(IMethodSymbol primitive) =>
        primitive.ContainingType.GetMembers(primitive.Name + "Into").OfType<IMethodSymbol>().Any(into =>
            into.IsStatic && !into.IsGenericMethod && TypeMapping.IsTensor(into.ReturnType) &&
            into.Parameters.Length == primitive.Parameters.Length + 1 && TypeMapping.IsTensor(into.Parameters[primitive.Parameters.Length].Type) &&
            into.Parameters.All(p => p.RefKind == RefKind.None) &&
            primitive.Parameters.Select((p, i) => SymbolEqualityComparer.Default.Equals(p.Type, into.Parameters[i].Type)).All(same => same));

    /// <summary>The calls lowered as constants, by site, with where they are and what they call.</summary>
    public IReadOnlyList<(LocationInfo? Where, string Callee)> ConstantCallSites => _constantCallSites;

    private IrExpr? LowerConstantCall(IInvocationOperation invocation, IMethodSymbol target, ImmutableArray<IArgumentOperation> arguments)
    {
        ScalarKind kind = TypeMapping.ScalarKindOf(target.ReturnType);
        if (!target.IsStatic || target.IsGenericMethod || target.ReturnsByRef || target.ReturnsVoid || kind == ScalarKind.Other ||
            target.MethodKind != MethodKind.Ordinary || arguments.Any(a => a.Parameter is null || a.Parameter.RefKind != RefKind.None))
        {
            return null;
        }
        var args = new List<IrExpr>();
        foreach (IArgumentOperation argument in arguments)
        {
            TypeRef parameterType = TypeMapping.From(argument.Parameter!.Type);
            if (parameterType.Element == ScalarKind.Other)
            {
                return null;
            }
            if (parameterType.IsSequence)
            {
                if (LowerSequence(argument.Value) is not VarRef sequence)
                {
                    return null;
                }
                args.Add(sequence);
            }
            else
            {
                args.Add(ConvertTo(LowerExpr(argument.Value), parameterType.Element));
            }
        }
        int site = _constantCallSites.Count;
        _constantCallSites.Add((LocationInfo.From(invocation.Syntax), Describe(target)));
        return new ConstantCall(target.ContainingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "." + target.Name, args.ToEquatableArray(), kind, site);
    }

    // ---- diagnostics ----

    private static string Describe(IMethodSymbol method) =>
        method.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat);

    private void UnsupportedStatement(IOperation operation)
    {
        (string what, string advice) = operation switch
        {
            ITryOperation => ("a try statement", "handle errors in the caller"),
            IBranchOperation { BranchKind: BranchKind.GoTo } => ("a goto statement", "use structured control flow: if, loops, break and continue"),
            ILabeledOperation => ("a labeled statement", "use structured control flow: if, loops, break and continue"),
            ISwitchOperation => ("a switch statement", "use if and else"),
            ILockOperation => ("a lock statement", "a [Differentiable] method works on its arguments only"),
            IUsingOperation or IUsingDeclarationOperation => ("a using statement", "a [Differentiable] method works on its arguments only"),
            ILocalFunctionOperation => ("a local function", "make it a static [Differentiable] method of its own"),
            IReturnOperation { Kind: OperationKind.YieldReturn or OperationKind.YieldBreak } => ("an iterator", "return a double or float"),
            IThrowOperation => ("a throw statement", "validate the arguments before calling the [Differentiable] method"),
            _ => ($"this statement ('{FirstLine(operation.Syntax)}')", "see the README for the C# that a [Differentiable] method may use"),
        };
        Unsupported(operation.Syntax, what, advice);
    }

    private void Unsupported(SyntaxNode syntax, string what, string advice) =>
        Report(DiagnosticDescriptors.UnsupportedStatement, syntax, what, advice);

    private IrExpr UnsupportedExpression(IOperation operation, string reason) =>
        Report(DiagnosticDescriptors.UnsupportedExpression, operation.Syntax, FirstLine(operation.Syntax), reason);

    private void AssignmentToNonLocal(IOperation target, string what) =>
        Report(DiagnosticDescriptors.AssignmentToNonLocal, target.Syntax, _method.Name, FirstLine(target.Syntax), what);

    private IrExpr Report(DiagnosticDescriptor descriptor, SyntaxNode syntax, params string[] args)
    {
        _diagnostics.Add(DiagnosticInfo.Create(descriptor, LocationInfo.From(syntax), args));
        return new Literal(0, ScalarKind.Double);
    }

    private static string FirstLine(SyntaxNode syntax)
    {
        string text = syntax.ToString();
        int newline = text.IndexOfAny(['\r', '\n']);
        return newline < 0 ? text : text.Substring(0, newline) + " ...";
    }
}
