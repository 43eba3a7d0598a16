using System.Collections.Generic;
using System.Linq;
using System.Threading;
using AutoDiffGen.Generator.Diagnostics;
using AutoDiffGen.Generator.Ir;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace AutoDiffGen.Generator.Parsing;

/// <summary>The parser's answer for one method: the model when it can be differentiated, and what to report either way.</summary>
/// <remarks>Cached by the pipeline: plain data only.</remarks>
internal sealed record ParseResult(MethodIr? Method, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>
/// Turns a method marked [Differentiable] (symbol, syntax and operations) into a <see cref="MethodIr"/> and diagnostics.
/// Symbols are used only here; nothing that leaves this class refers to them.
/// </summary>
internal static class MethodParser
{
    public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not IMethodSymbol method || context.TargetNode is not MethodDeclarationSyntax syntax)
        {
            return new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }
        var checkedCallees = new Dictionary<IMethodSymbol, bool>(SymbolEqualityComparer.Default) { [method.OriginalDefinition] = true };
        return Parse(method, syntax, context.SemanticModel.Compilation, checkedCallees, cancellationToken);
    }

    /// <param name="checkedCallees">
    /// Callees already known to be differentiable or not; a method being parsed counts as differentiable, so that
    /// mutual recursion ends.
    /// </param>
    private static ParseResult Parse(
        IMethodSymbol method,
        MethodDeclarationSyntax syntax,
        Compilation compilation,
        Dictionary<IMethodSymbol, bool> checkedCallees,
        CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        LocationInfo? nameLocation = LocationInfo.From(syntax.Identifier.GetLocation());
        string name = method.Name;

        // Half-typed code: the compiler reports its own errors, and ours would only be noise (or, worse, generated code
        // built from missing names).
        if (IsIncomplete(method, syntax))
        {
            return new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }

        // The body of a partial method is in its implementation part.
        MethodDeclarationSyntax bodySyntax = method.PartialImplementationPart?.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken) as MethodDeclarationSyntax ?? syntax;
        SemanticModel model = compilation.GetSemanticModel(bodySyntax.SyntaxTree);
        // Syntax errors are cheap to see. Semantic errors show up while lowering (invalid operations, error types,
        // impossible conversions); asking the semantic model for all diagnostics would double the cost of a keystroke.
        if (bodySyntax.ContainsDiagnostics)
        {
            return new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }

        if (!method.IsStatic)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MethodMustBeStatic, nameLocation, name));
        }

        if (method.IsGenericMethod)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GenericMethod, nameLocation, name));
        }

        bool returnsTensor = TypeMapping.IsTensor(method.ReturnType);
        ScalarKind returnKind = returnsTensor ? ScalarKind.Float : TypeMapping.ScalarKindOf(method.ReturnType);
        if (!returnKind.IsReal() || method.ReturnsByRef || method.ReturnsByRefReadonly)
        {
            string returned = (method.ReturnsByRefReadonly ? "ref readonly " : method.ReturnsByRef ? "ref " : string.Empty) +
                method.ReturnType.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat);
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedReturnType, LocationInfo.From(syntax.ReturnType), name, returned));
        }

        TypeHierarchy? hierarchy = BuildHierarchy(method, syntax, name, diagnostics);
        List<ParameterIr> parameters = ParseParameters(method, name, diagnostics);
        CheckGeneratedNamesAreFree(method, name, nameLocation, diagnostics);

        if (bodySyntax.Body is null && bodySyntax.ExpressionBody is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingBody, nameLocation, name));
        }

        if (diagnostics.Count > 0 || hierarchy is null)
        {
            return new ParseResult(null, diagnostics.ToEquatableArray());
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (model.GetOperation(bodySyntax, cancellationToken) is not IMethodBodyOperation body)
        {
            return new ParseResult(null, diagnostics.ToEquatableArray());
        }

        var lowering = new OperationLowering(
            method,
            returnKind,
            returnsTensor,
            parameters,
            callee => CanDifferentiate(callee, compilation, checkedCallees, cancellationToken),
            cancellationToken);
        EquatableArray<IrStmt> statements = lowering.LowerBody(body);
        if (lowering.SawInvalidCode)
        {
            return new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }
        MethodIr result = new(
            hierarchy,
            name,
            Accessibility(method.DeclaredAccessibility),
            returnKind,
            parameters.ToEquatableArray(),
            lowering.Locals.ToEquatableArray(),
            statements,
            HintName(hierarchy, method),
            returnsTensor);
        diagnostics.AddRange(lowering.Diagnostics);
        if (lowering.ConstantCallSites.Count > 0)
        {
            // A call without a derivative is a constant only if nothing it is given depends on a differentiable parameter.
            foreach (int site in Differentiation.ReverseMode.VariedConstantCalls(result))
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.NonDifferentiableCall, lowering.ConstantCallSites[site].Where, lowering.ConstantCallSites[site].Callee));
            }
        }
        if (diagnostics.Count > 0)
        {
            // In source order, as the compiler lists its own.
            return new ParseResult(null, diagnostics.OrderBy(d => d.Where?.Span.Start ?? 0).ToEquatableArray());
        }
        if (ControlFlow.CanCompleteNormally(statements))
        {
            return new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty); // a missing return: the compiler reports CS0161
        }
        return new ParseResult(result, EquatableArray<DiagnosticInfo>.Empty);
    }

    /// <summary>
    /// Whether a [Differentiable] method declared in this compilation will get a generated pullback; a caller of one
    /// that will not is refused with a diagnostic instead of being given code that calls a missing method.
    /// </summary>
    private static bool CanDifferentiate(IMethodSymbol callee, Compilation compilation, Dictionary<IMethodSymbol, bool> checkedCallees, CancellationToken cancellationToken)
    {
        IMethodSymbol key = callee.OriginalDefinition;
        if (checkedCallees.TryGetValue(key, out bool known))
        {
            return known;
        }
        checkedCallees[key] = true; // while it is being checked, so that mutual recursion ends
        bool result = key.DeclaringSyntaxReferences
            .Select(reference => reference.GetSyntax(cancellationToken))
            .OfType<MethodDeclarationSyntax>()
            .Where(declaration => declaration.AttributeLists.Count > 0)
            .Select(declaration => Parse(key, declaration, compilation, checkedCallees, cancellationToken).Method is not null)
            .DefaultIfEmpty(false)
            .First();
        checkedCallees[key] = result;
        return result;
    }

    /// <summary>
    /// Whether the declaration is still being typed: a missing name, no enclosing type, a repeated parameter name, or a
    /// twin with the same signature (a method pasted twice).
    /// </summary>
    private static bool IsIncomplete(IMethodSymbol method, MethodDeclarationSyntax syntax)
    {
        if (syntax.Identifier.IsMissing || syntax.ParameterList.ContainsDiagnostics || syntax.ReturnType.ContainsDiagnostics ||
            syntax.Parent is not TypeDeclarationSyntax || method.ReturnType.TypeKind == TypeKind.Error ||
            method.Parameters.Any(p => p.Type.TypeKind == TypeKind.Error) ||
            method.Parameters.Select(p => p.Name).Distinct().Count() != method.Parameters.Length ||
            method.ContainingType.GetMembers(method.Name).OfType<IMethodSymbol>().Any(other =>
                !SymbolEqualityComparer.Default.Equals(other, method) && Signature(other) == Signature(method)))
        {
            return true;
        }
        foreach (SyntaxNode ancestor in syntax.Ancestors())
        {
            switch (ancestor)
            {
                case TypeDeclarationSyntax type when type.Identifier.IsMissing || (type.TypeParameterList?.ContainsDiagnostics ?? false):
                    return true;
                case BaseNamespaceDeclarationSyntax ns when ns.Name.ContainsDiagnostics || ns.Name.IsMissing:
                    return true;
            }
        }
        return false;
    }

    private static List<ParameterIr> ParseParameters(IMethodSymbol method, string methodName, List<DiagnosticInfo> diagnostics)
    {
        var parameters = new List<ParameterIr>();
        foreach (IParameterSymbol parameter in method.Parameters)
        {
            TypeRef type = TypeMapping.From(parameter.Type);
            if (parameter.RefKind != RefKind.None)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.UnsupportedParameter,
                    LocationInfo.From(parameter.Locations.FirstOrDefault()),
                    parameter.Name,
                    methodName,
                    parameter.Type.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat),
                    $" and is passed by '{RefKindKeyword(parameter.RefKind)}'"));
                continue;
            }
            if (UnsupportedParameterAdvice(parameter.Type) is { } advice)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.UnsupportedParameter,
                    LocationInfo.From(parameter.Locations.FirstOrDefault()),
                    parameter.Name,
                    methodName,
                    parameter.Type.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat),
                    advice));
                continue;
            }
            parameters.Add(new ParameterIr(Identifiers.Escape(parameter.Name), type, CustomDerivatives.IsDifferentiable(parameter)));
        }
        return parameters;
    }

    /// <summary>
    /// Null for a parameter type the generator accepts (real scalars, one-dimensional arrays and spans, other value types
    /// as constants); otherwise extra advice for ADG0005. Real-valued data in a shape the generator cannot index is
    /// refused rather than silently treated as a constant.
    /// </summary>
    private static string? UnsupportedParameterAdvice(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol { Rank: > 1 } or IArrayTypeSymbol { ElementType: IArrayTypeSymbol } =>
            "; flatten it into a one-dimensional array (row-major)",
        IArrayTypeSymbol => null,
        _ when TypeMapping.From(type).IsSequence => null,
        INamedTypeSymbol { IsGenericType: true } named when named.TypeArguments.Any(t => TypeMapping.ScalarKindOf(t).IsReal()) =>
            "; pass the values as a double[] or float[] or a read-only span",
        { IsReferenceType: true } => string.Empty,
        _ => null,
    };

    private static string RefKindKeyword(RefKind kind) => kind switch
    {
        RefKind.Out => "out",
        RefKind.In => "in",
        RefKind.Ref => "ref",
        _ => "ref readonly",
    };

    private static void CheckGeneratedNamesAreFree(IMethodSymbol method, string name, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        string[] names = TypeMapping.IsTensor(method.ReturnType)
            ? [name + "Pullback", name + "ValueAndPullback", name + "Forward", name + "Backward", name + "State"]
            : [name + "Gradient", name + "Pullback", name + "ValueAndPullback"];
        foreach (string generated in names)
        {
            if (!method.ContainingType.GetMembers(generated).IsEmpty)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.GeneratedNameTaken, location, method.ContainingType.Name, generated, name));
            }
        }
    }

    private static TypeHierarchy? BuildHierarchy(IMethodSymbol method, MethodDeclarationSyntax syntax, string name, List<DiagnosticInfo> diagnostics)
    {
        var types = new List<ContainingTypeInfo>();
        bool ok = true;
        SyntaxNode? node = syntax.Parent;
        while (node is TypeDeclarationSyntax declaration)
        {
            if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.TypeMustBePartial, LocationInfo.From(declaration.Identifier.GetLocation()), name, declaration.Identifier.ValueText));
                ok = false;
            }
            types.Insert(0, new ContainingTypeInfo(Keywords(declaration), declaration.Identifier.ValueText + TypeParameters(declaration)));
            node = declaration.Parent;
        }
        if (!ok)
        {
            return null;
        }
        string ns = method.ContainingNamespace is { IsGlobalNamespace: false } containing ? containing.ToDisplayString() : string.Empty;
        return new TypeHierarchy(ns, types.ToEquatableArray());
    }

    private static string Keywords(TypeDeclarationSyntax declaration)
    {
        string kind = declaration switch
        {
            RecordDeclarationSyntax record when record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) => "record struct",
            RecordDeclarationSyntax => "record",
            StructDeclarationSyntax => "struct",
            InterfaceDeclarationSyntax => "interface",
            _ => "class",
        };
        string modifiers = string.Join(" ", declaration.Modifiers
            .Where(m => m.IsKind(SyntaxKind.StaticKeyword) || m.IsKind(SyntaxKind.ReadOnlyKeyword) || m.IsKind(SyntaxKind.RefKeyword) || m.IsKind(SyntaxKind.UnsafeKeyword))
            .Select(m => m.Text));
        return (modifiers.Length > 0 ? modifiers + " " : string.Empty) + "partial " + kind;
    }

    private static string TypeParameters(TypeDeclarationSyntax declaration) =>
        declaration.TypeParameterList is null
            ? string.Empty
            : "<" + string.Join(", ", declaration.TypeParameterList.Parameters.Select(p => p.Identifier.ValueText)) + ">";

    private static string Accessibility(Accessibility accessibility) => accessibility switch
    {
        Microsoft.CodeAnalysis.Accessibility.Public => "public",
        Microsoft.CodeAnalysis.Accessibility.Internal => "internal",
        Microsoft.CodeAnalysis.Accessibility.Protected => "protected",
        Microsoft.CodeAnalysis.Accessibility.ProtectedOrInternal => "protected internal",
        Microsoft.CodeAnalysis.Accessibility.ProtectedAndInternal => "private protected",
        _ => "private",
    };

    /// <summary>One file per method; overloads get their parameter types in the name, so names stay unique and stable.</summary>
    private static string HintName(TypeHierarchy hierarchy, IMethodSymbol method)
    {
        string baseName = hierarchy.FileNameHint + "." + method.Name;
        IMethodSymbol[] overloads = method.ContainingType.GetMembers(method.Name).OfType<IMethodSymbol>()
            .Where(m => m.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownNames.DifferentiableAttribute))
            .ToArray();
        if (overloads.Length <= 1)
        {
            return baseName + ".g.cs";
        }
        return $"{baseName}.{Signature(method)}.g.cs";
    }

    private static string Signature(IMethodSymbol method) =>
        string.Join("_", method.Parameters.Select(p => Identifiers.FileSafe(p.Type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat))));
}

/// <summary>Helpers for printing identifiers.</summary>
internal static class Identifiers
{
    /// <summary>Prefixes C# keywords with <c>@</c>.</summary>
    public static string Escape(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None
            ? "@" + name
            : name;

    /// <summary>Keeps letters, digits and underscores.</summary>
    public static string FileSafe(string text)
    {
        var builder = new System.Text.StringBuilder();
        foreach (char c in text)
        {
            builder.Append(char.IsLetterOrDigit(c) ? c : c == '[' ? 'A' : '_');
        }
        return builder.ToString();
    }
}
