import { Column, Entity, Index, PrimaryColumn, VersionColumn } from 'typeorm';
import { ServiceCriticality, ServiceLink } from './dto/service.model';

@Entity({ name: 'services' })
@Index('services_owner_team_idx', ['ownerTeam'])
export class ServiceEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Index('services_slug_key', { unique: true })
  @Column('text')
  slug: string;

  @Column('text')
  name: string;

  @Column('text')
  ownerTeam: string;

  @Column('text', { nullable: true })
  repositoryUrl: string | null;

  @Column('text')
  criticality: ServiceCriticality;

  @Column('jsonb')
  links: ServiceLink[];

  @VersionColumn()
  version: number;

  @Column('timestamptz')
  createdAt: Date;

  @Column('timestamptz')
  updatedAt: Date;

  @Column('timestamptz', { nullable: true })
  archivedAt: Date | null;
}
