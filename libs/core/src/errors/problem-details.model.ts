import { ApiProperty, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'FieldError' })
export class FieldErrorModel {
  @ApiProperty({ example: 'slug' })
  path: string;

  @ApiProperty({ example: 'slug must be lower-case letters, digits and inner hyphens' })
  message: string;
}

/** RFC 9457 problem details, as every REST error is answered (content type application/problem+json). */
@ApiSchema({ name: 'ProblemDetails' })
export class ProblemDetailsModel {
  @ApiProperty({ example: 'urn:opsplane:problem:environment.slug_taken' })
  type: string;

  @ApiProperty({ example: 'Slug already taken' })
  title: string;

  @ApiProperty({ example: 409 })
  status: number;

  @ApiProperty({ example: 'An environment with slug "production" already exists.' })
  detail: string;

  @ApiProperty({
    description: 'Stable machine-readable code; the same in GraphQL `extensions.code`.',
    example: 'environment.slug_taken',
  })
  code: string;

  @ApiProperty({ type: [FieldErrorModel] })
  errors: FieldErrorModel[];

  @ApiProperty({ description: 'Also in the x-request-id response header and the server logs.' })
  requestId: string;
}
