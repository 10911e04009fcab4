import { Placeholder } from '../../components/Placeholder';

export default function RegistryPage() {
  return <Placeholder title="Registry" />;
}
